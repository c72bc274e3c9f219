package io.perennial.local.demo;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the demo runs.
 *
 * @param stream name of the stream to create
 * @param regimes number of regimes (1 to 4)
 * @param streamPerRegime samples streamed per regime before the demo waits for adaptation
 * @param testPerRegime held-out samples per regime, predicted to measure accuracy
 * @param rate samples per second sent through the ingest API
 * @param measureEvery samples between two accuracy measurements
 * @param afterSamples samples streamed after a regime's adapter was promoted, to measure it
 * @param holdTimeout longest time a regime is held while waiting for its adapter
 * @param baseWindow policy: labelled samples before the base model is trained
 * @param minSamplesAfterDrift policy: samples of a new regime an adapter trains on
 * @param maxAdapters policy: most adapters serving at once
 * @param out where the report, chart and JSON go
 * @param forceDigits use the shipped digits fixture even when Fashion-MNIST is installed
 */
public record DemoOptions(String stream, int regimes, int streamPerRegime, int testPerRegime, int rate,
        int measureEvery, int afterSamples, Duration holdTimeout, int baseWindow, int minSamplesAfterDrift,
        int driftReference, int driftWindow, int driftEvery, int baseEpochs, int adapterEpochs, int maxAdapters,
        Path out, boolean forceDigits) {

    /** {@code --quick}: four regimes, a few minutes on a 2-core CPU. */
    public static DemoOptions quick(String stream, Path out) {
        return new DemoOptions(stream, 4, 1800, 300, 150, 150, 450, Duration.ofSeconds(90), 1000, 900, 400, 300, 100,
                8, 15, 4, out, false);
    }

    /** The full demo: longer regimes and windows. */
    public static DemoOptions full(String stream, Path out) {
        return new DemoOptions(stream, 4, 4000, 500, 200, 250, 1000, Duration.ofSeconds(180), 2500, 1500, 1000, 500,
                125, 10, 20, 4, out, false);
    }

    public DemoOptions withDigits(boolean digits) {
        return new DemoOptions(stream, regimes, streamPerRegime, testPerRegime, rate, measureEvery, afterSamples,
                holdTimeout, baseWindow, minSamplesAfterDrift, driftReference, driftWindow, driftEvery, baseEpochs,
                adapterEpochs, maxAdapters, out, digits);
    }
}
