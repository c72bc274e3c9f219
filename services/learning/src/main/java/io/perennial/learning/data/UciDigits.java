package io.perennial.learning.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The UCI optical handwritten digits (Alpaydin &amp; Kaynak 1998; scikit-learn's {@code digits.csv.gz},
 * BSD-3, see {@code digits-LICENSE.txt} next to it): 1,797 8×8 images with pixels 0..16, 10 classes.
 * Shipped on the classpath as a small fixture for tests and as the benchmark's fallback.
 *
 * <p>Pixels are scaled to [0, 1]; samples have shape {@code [1, 8, 8]}.
 */
public final class UciDigits {

    private static final String RESOURCE = "digits.csv.gz";

    private UciDigits() {
    }

    /**
     * Loads all 1,797 samples.
     *
     * @return the data set
     */
    public static LabeledData load() {
        try (InputStream raw = UciDigits.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new DatasetUnavailableException("classpath resource io/perennial/learning/data/" + RESOURCE + " is missing");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.US_ASCII));
            List<float[]> rows = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split(",");
                if (parts.length != 65) {
                    throw new IOException("digits.csv.gz: expected 65 columns, got " + parts.length);
                }
                float[] f = new float[64];
                for (int i = 0; i < 64; i++) {
                    f[i] = Float.parseFloat(parts[i]) / 16f;
                }
                rows.add(f);
                labels.add((int) Float.parseFloat(parts[64]));
            }
            float[] all = new float[rows.size() * 64];
            int[] l = new int[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                System.arraycopy(rows.get(i), 0, all, i * 64, 64);
                l[i] = labels.get(i);
            }
            return LabeledData.of(all, l, new int[] {1, 8, 8}, 10);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads the digits and splits them into a training and a test part with a seeded shuffle.
     *
     * @param testFraction fraction of samples for the test part
     * @param seed seed
     * @return the split
     */
    public static TrainTestSplit split(double testFraction, long seed) {
        List<LabeledData> parts = load().split(testFraction, seed);
        return new TrainTestSplit("uci-digits", parts.get(0), parts.get(1));
    }
}
