package io.perennial.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port helpers for the embedded servers. */
public final class FreePorts {

    private FreePorts() {
    }

    /** A loopback port that was free a moment ago. */
    public static int find() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException ex) {
            throw new UncheckedIOException("no free loopback port", ex);
        }
    }

    /**
     * Whether nothing listens on {@code port} on any local address. Connections in TIME_WAIT do not count: servers
     * bind with SO_REUSEADDR, so the check does too.
     */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException ex) {
            return false;
        }
    }
}
