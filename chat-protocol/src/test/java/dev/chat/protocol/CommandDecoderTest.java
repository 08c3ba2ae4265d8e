package dev.chat.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.JoinRoom;
import dev.chat.domain.model.LeaveRoom;
import dev.chat.domain.model.ListMembers;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RefreshSignIn;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SendMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandDecoderTest {
    private final CommandDecoder decoder = new CommandDecoder();

    @Test
    void givenMessageWithRoomAndRef_itDecodesToSendMessage() {
        assertThat(decoder.decode("{\"event\":\"message\",\"data\":{\"text\":\"hi\",\"room\":\"dev\",\"ref\":\"r1\"}}"))
                .isEqualTo(new SendMessage(RoomName.of("dev"), "hi", "r1"));
    }

    @Test
    void givenMessageWithoutRoom_itGoesToGeneral_andUnknownFieldsAreIgnored() {
        assertThat(decoder.decode("{\"event\":\"message\",\"data\":{\"text\":\"hi\",\"future\":[1,2]},\"v\":2}"))
                .isEqualTo(new SendMessage(RoomName.GENERAL, "hi", null));
    }

    @Test
    void givenJoinAndLeave_theyDecode() {
        assertThat(decoder.decode("{\"event\":\"join\",\"data\":{\"room\":\"dev\"}}"))
                .isEqualTo(new JoinRoom(RoomName.of("dev"), null));
        assertThat(decoder.decode("{\"data\":{\"room\":\"dev\",\"ref\":\"x\"},\"event\":\"leave\"}"))
                .isEqualTo(new LeaveRoom(RoomName.of("dev"), "x"));
    }

    @Test
    void givenMembersAndRefresh_theyDecode_withTheirDefaults() {
        assertThat(decoder.decode("{\"event\":\"members\",\"data\":{\"room\":\"dev\"}}"))
                .isEqualTo(new ListMembers(RoomName.of("dev"), null, ListMembers.DEFAULT_LIMIT, null));
        assertThat(
                        decoder.decode(
                                "{\"event\":\"members\",\"data\":{\"room\":\"dev\",\"after\":\"Amy\",\"limit\":1000,\"ref\":\"m\"}}"))
                .isEqualTo(new ListMembers(RoomName.of("dev"), new Nickname("Amy"), 1000, "m"));
        assertThat(decoder.decode("{\"event\":\"refresh\",\"data\":{\"token\":\"a.b.c\",\"ref\":\"t\"}}"))
                .isEqualTo(new RefreshSignIn("a.b.c", "t"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "not json                                                         | malformed_json   |",
                "{\"event\":\"message\",\"data\":{\"text\":\"hi\"}} trailing      | malformed_json   |",
                "{\"event\":\"message\",\"event\":\"join\",\"data\":{}}           | malformed_json   |",
                "[1,2,3]                                                          | invalid_envelope |",
                "\"message\"                                                      | invalid_envelope |",
                "{\"data\":{\"text\":\"hi\",\"ref\":\"r1\"}}                      | invalid_envelope | r1",
                "{\"event\":7,\"data\":{}}                                        | invalid_envelope |",
                "{\"event\":\"message\",\"data\":\"hi\"}                          | invalid_envelope |",
                "{\"event\":\"dance\",\"data\":{\"ref\":\"r2\"}}                  | unknown_event    | r2",
                "{\"event\":\"Message\",\"data\":{\"text\":\"hi\"}}               | unknown_event    |",
                "{\"event\":\"message\",\"data\":{\"ref\":\"r3\"}}                | invalid_field    | r3",
                "{\"event\":\"message\"}                                          | invalid_field    |",
                "{\"event\":\"message\",\"data\":{\"text\":42,\"ref\":\"r4\"}}    | invalid_field    | r4",
                "{\"event\":\"message\",\"data\":{\"text\":\"hi\",\"room\":5}}    | invalid_field    |",
                "{\"event\":\"message\",\"data\":{\"text\":\"hi\",\"ref\":5}}     | invalid_field    |",
                "{\"event\":\"message\",\"data\":{\"text\":\"hi\",\"ref\":\"\"}}  | invalid_field    |",
                "{\"event\":\"join\",\"data\":{}}                                 | invalid_field    |",
                "{\"event\":\"join\",\"data\":{\"room\":\"Bad Room\",\"ref\":\"r5\"}} | invalid_room | r5",
                "{\"event\":\"leave\",\"data\":{\"room\":\"\"}}                   | invalid_room     |",
                "{\"event\":\"message\",\"data\":{\"text\":\"hi\",\"room\":\"A\"}} | invalid_room    |",
                "{\"event\":\"members\",\"data\":{\"ref\":\"m1\"}}                | invalid_field    | m1",
                "{\"event\":\"members\",\"data\":{\"room\":\"dev\",\"limit\":0}}  | invalid_field    |",
                "{\"event\":\"members\",\"data\":{\"room\":\"dev\",\"limit\":1001,\"ref\":\"m2\"}} | invalid_field | m2",
                "{\"event\":\"members\",\"data\":{\"room\":\"dev\",\"limit\":\"5\"}} | invalid_field  |",
                "{\"event\":\"members\",\"data\":{\"room\":\"dev\",\"after\":\"no such\"}} | invalid_field |",
                "{\"event\":\"refresh\",\"data\":{\"ref\":\"t1\"}}                | invalid_field    | t1",
            })
    void givenBadFrame_itIsRejectedWithItsCode_andTheRefWhenReadable(String frame, String code, String ref) {
        assertThatThrownBy(() -> decoder.decode(frame)).isInstanceOfSatisfying(RejectedCommandException.class, e -> {
            assertThat(e.code().wireCode()).isEqualTo(code);
            assertThat(e.ref()).isEqualTo(ref);
            assertThat(e.getMessage()).isNotBlank();
        });
    }

    @Test
    void givenRefLongerThanTheLimit_itIsRejected() {
        String ref = "r".repeat(CommandDecoder.MAX_REF_LENGTH + 1);

        assertThatThrownBy(() ->
                        decoder.decode("{\"event\":\"message\",\"data\":{\"text\":\"hi\",\"ref\":\"" + ref + "\"}}"))
                .isInstanceOfSatisfying(
                        RejectedCommandException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD));
    }
}
