package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ListenBacklogTest {
    /** A burst like the load generator's (200 handshakes in flight), four times the JVM's default backlog of 50. */
    private static final int BURST = 200;
    /** Long enough that only a dropped SYN (retried after a second, then three) can exceed it. */
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final Server server = new Server();
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Socket socket : sockets) {
            socket.close();
        }
        server.stop();
    }

    @Test
    void givenTheAcceptorTakesNoConnection_theKernelStillCompletesABurstOfConnects() throws Exception {
        ServerConnector connector = ChatServer.connector(server, new HttpConfiguration(), "127.0.0.1", 0);
        server.addConnector(connector);
        server.start();
        connector.setAccepting(false); // the acceptor stops: what arrives waits in the listen backlog

        InetSocketAddress address = new InetSocketAddress("127.0.0.1", connector.getLocalPort());
        int completed = 0;
        for (int i = 0; i < BURST; i++) {
            Socket socket = new Socket();
            sockets.add(socket);
            try {
                socket.connect(address, CONNECT_TIMEOUT_MILLIS);
                completed++;
            } catch (IOException dropped) {
                break; // the backlog is full: the kernel dropped the SYN
            }
        }

        assertThat(completed)
                .as("connects the kernel completed without the acceptor")
                .isEqualTo(BURST);
    }
}
