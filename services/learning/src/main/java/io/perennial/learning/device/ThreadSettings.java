package io.perennial.learning.device;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Thread settings for machines shared with other processes.
 *
 * <p>PyTorch busy-waits on its worker threads; with another busy process on a small machine that
 * collapses throughput. Call {@link #configure(int)} before the first array is created (it also
 * works later, for the intra-op pool) and run with {@code OMP_WAIT_POLICY=PASSIVE}.
 */
public final class ThreadSettings {

    private ThreadSettings() {
    }

    /**
     * Sets PyTorch's intra-op threads (and, if the engine has not started yet, one inter-op thread).
     *
     * @param threads intra-op threads, at least 1
     */
    public static void configure(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
    }

    /** Returns the current intra-op thread count. */
    public static int currentThreads() {
        Engine.getEngine("PyTorch");
        return JniUtils.getNumThreads();
    }
}
