package dev.chat.app;

import static dev.chat.app.support.EventLog.awaiting;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.Browser;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.WsTestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The page in a room above the member list limit (3 here): "N online", the first members, and more on demand. */
class BigRoomBrowserIT {
    private final RunningChat chat =
            RunningChat.start(ChatConfig.defaults(0).withPresence(new ChatConfig.Presence(3, Duration.ofMillis(200))));
    private Browser page;

    @AfterEach
    void stop() {
        if (page != null) {
            page.close();
        }
        chat.close();
    }

    @Test
    void givenARoomAboveTheLimit_thePageShowsTheCount_theFirstMembers_andLoadsTheRestOnDemand() throws Exception {
        List<String> everyone = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            everyone.add(chat.client().nickname());
        }
        page = Browser.open(chat.httpUri("/").toString());
        awaiting().until(() -> "connected".equals(page.bodyData("state")));
        everyone.add(page.text("nickname"));
        everyone.sort(null);

        awaiting().until(() -> "7 online".equals(page.text("online-count")));
        assertThat(page.users()).containsExactlyElementsOf(everyone.subList(0, 3));

        page.run("document.getElementById('more-members').click()");
        awaiting().until(() -> page.users().size() == 7);
        assertThat(page.users()).containsExactlyElementsOf(everyone);
        assertThat(page.run("return document.getElementById('more-members').hidden"))
                .isEqualTo(true);

        WsTestClient late = chat.client(); // the room is big: the page hears of it in a presence frame
        awaiting().until(() -> "8 online".equals(page.text("online-count")));
        late.closeWith(1000);
        awaiting().until(() -> "7 online".equals(page.text("online-count")));
        page.screenshot(Path.of("target", "screenshots", "big-room.png")); // kept as a build artifact
    }
}
