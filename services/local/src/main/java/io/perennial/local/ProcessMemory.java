package io.perennial.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this JVM and the processes it started (the embedded PostgreSQL), from {@code /proc}. */
public final class ProcessMemory {

    private ProcessMemory() {
    }

    /** Sum of VmRSS over this process and its descendants; 0 where {@code /proc} is unavailable. */
    public static long residentBytes() {
        long total = rss(ProcessHandle.current().pid());
        total += ProcessHandle.current().descendants().mapToLong(p -> rss(p.pid())).sum();
        return total;
    }

    /** VmRSS of this JVM alone. */
    public static long residentBytesOfThisProcess() {
        return rss(ProcessHandle.current().pid());
    }

    static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // The process ended or /proc is not there.
        }
        return 0;
    }
}
