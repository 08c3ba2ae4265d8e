package dev.chat.domain.port.out;

import java.util.ArrayList;
import java.util.List;

/** A turn for tests: records what was done with it, in {@link #log}, beside whatever else the test logs there. */
public final class RecordingTurn implements StoreWaits.Turn {
    public final List<String> log = new ArrayList<>();

    @Override
    public void giveUp() {
        log.add("give up");
    }

    @Override
    public void takeBack() {
        log.add("take back");
    }
}
