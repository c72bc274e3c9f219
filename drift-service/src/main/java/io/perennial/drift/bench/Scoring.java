package io.perennial.drift.bench;

import java.util.List;

/**
 * Matches alarms to known drift points: an alarm at \( a \) detects the latest drift point \( t \le a \) when
 * \( a - t \le \) tolerance and that point was not detected yet; every other alarm is a false alarm.
 */
final class Scoring {

    private Scoring() {
    }

    /** The outcome of one or more runs, additive. */
    static final class Score {
        long drifts;
        long detected;
        long falseAlarms;
        long samples;
        double delaySum;
        long maxDelay;

        void add(long[] driftPoints, List<Long> alarms, long tolerance, long length) {
            drifts += driftPoints.length;
            samples += length;
            boolean[] hit = new boolean[driftPoints.length];
            for (long a : alarms) {
                int k = -1;
                for (int i = 0; i < driftPoints.length; i++) {
                    if (driftPoints[i] <= a) {
                        k = i;
                    }
                }
                if (k >= 0 && !hit[k] && a - driftPoints[k] <= tolerance) {
                    hit[k] = true;
                    detected++;
                    long delay = a - driftPoints[k];
                    delaySum += delay;
                    maxDelay = Math.max(maxDelay, delay);
                } else {
                    falseAlarms++;
                }
            }
        }

        long missed() {
            return drifts - detected;
        }

        double meanDelay() {
            return detected == 0 ? Double.NaN : delaySum / detected;
        }

        double precision() {
            return detected + falseAlarms == 0 ? Double.NaN : (double) detected / (detected + falseAlarms);
        }

        double recall() {
            return drifts == 0 ? Double.NaN : (double) detected / drifts;
        }

        double f1() {
            double p = precision();
            double r = recall();
            return Double.isNaN(p) || Double.isNaN(r) || p + r == 0 ? Double.NaN : 2 * p * r / (p + r);
        }

        double falseAlarmsPer100k() {
            return samples == 0 ? Double.NaN : falseAlarms * 100_000.0 / samples;
        }
    }
}
