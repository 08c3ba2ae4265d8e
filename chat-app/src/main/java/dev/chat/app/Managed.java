package dev.chat.app;

/** Something with connections or threads of its own: started before the server opens, stopped after it closes. */
interface Managed {
    void start();

    void stop();
}
