package io.perennial.local.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Where a benchmark phase spent this JVM's CPU: per-thread CPU time, grouped by a classifier of thread names, GC
 * pause time, JIT compilation time (compiler threads are not listed as threads), and the rest of the process (VM
 * threads, and threads that ended during the phase). Everything runs in one process, so this is how a run tells the ingest path's own cost from the
 * broker's and the load generator's.
 */
final class CpuAccount {

    /** Garbage collection: pause time, which for the single-threaded collectors is its CPU time. */
    static final String GC = "GC";

    /** JIT compilation: CPU time of the compiler threads, read from {@code /proc} (the thread API does not list them). */
    static final String JIT = "JIT";

    /** The group for CPU no listed thread accounts for. */
    static final String OTHER = "other";

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Function<String, String> groupOfThread;
    private final long processStart;
    private final long gcStart;
    private final long jitStart;
    private final Map<Long, Long> threadStart = new HashMap<>();

    private CpuAccount(Function<String, String> groupOfThread) {
        this.groupOfThread = groupOfThread;
        this.processStart = processCpuNanos();
        this.gcStart = gcNanos();
        this.jitStart = jitNanos();
        for (long id : THREADS.getAllThreadIds()) {
            threadStart.put(id, Math.max(0, THREADS.getThreadCpuTime(id)));
        }
    }

    /** Starts accounting now. */
    static CpuAccount start(Function<String, String> groupOfThread) {
        THREADS.setThreadCpuTimeEnabled(true);
        return new CpuAccount(groupOfThread);
    }

    /** CPU seconds per group since {@link #start}, in first-seen order, with {@link #OTHER} last. */
    Map<String, Double> stop() {
        long process = processCpuNanos() - processStart;
        Map<String, Double> seconds = new LinkedHashMap<>();
        long listed = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long now = THREADS.getThreadCpuTime(info.getThreadId());
            if (now < 0) {
                continue;
            }
            long used = now - threadStart.getOrDefault(info.getThreadId(), 0L);
            listed += used;
            seconds.merge(groupOfThread.apply(info.getThreadName()), used / 1e9, Double::sum);
        }
        long gc = gcNanos() - gcStart;
        seconds.put(GC, gc / 1e9);
        long jit = jitNanos() - jitStart;
        seconds.put(JIT, jit / 1e9);
        seconds.put(OTHER, Math.max(0, process - listed - gc - jit) / 1e9);
        return seconds;
    }

    /** CPU time of the JIT compiler threads, from {@code /proc/self/task}; 0 where that is not available. */
    private static long jitNanos() {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(open + 1, close);
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        // Fields after the name: state is field 3, utime field 14, stime field 15.
                        String[] fields = stat.substring(close + 2).split(" ");
                        ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    }
                } catch (IOException | RuntimeException ended) {
                    // The thread ended while being read.
                }
            }
        } catch (IOException | RuntimeException unavailable) {
            return 0;
        }
        return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    }

    private static long gcNanos() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(gc -> Math.max(0, gc.getCollectionTime())).sum() * 1_000_000;
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }
}
