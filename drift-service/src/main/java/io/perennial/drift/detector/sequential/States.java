package io.perennial.drift.detector.sequential;

/** Helpers for the detectors' {@code state()} arrays. */
final class States {

    private States() {
    }

    static double[] concat(double[] head, double[] tail) {
        double[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    static void require(double[] state, int length) {
        if (state == null || state.length < length) {
            throw new IllegalArgumentException("detector state needs at least " + length + " values");
        }
    }
}
