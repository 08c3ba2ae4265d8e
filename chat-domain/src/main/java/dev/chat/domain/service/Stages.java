package dev.chat.domain.service;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** The domain's side of completion stages: the failure a stage carries, as the synchronous call would throw it. */
final class Stages {
    private Stages() {}

    /** The exception behind a stage's failure (a dependent stage wraps its source's in {@link CompletionException}). */
    static RuntimeException cause(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
    }

    /** Waits for the stage, and throws what it failed with. */
    static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().join();
        } catch (CompletionException e) {
            throw cause(e);
        }
    }
}
