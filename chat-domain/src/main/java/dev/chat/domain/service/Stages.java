package dev.chat.domain.service;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
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

    /** A completed stage's value, or the exception behind its failure (null then). */
    record Outcome<T>(T value, RuntimeException failure) {
        Outcome(T value, Throwable failure) {
            this(value, failure == null ? null : cause(failure));
        }
    }

    /** What a stage that is done completed with. */
    static <T> Outcome<T> outcome(CompletableFuture<T> done) {
        try {
            return new Outcome<>(done.join(), (RuntimeException) null);
        } catch (CompletionException | CancellationException e) {
            return new Outcome<>(null, cause(e));
        }
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
