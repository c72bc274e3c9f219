package io.perennial.learning.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A labelled sample set held in plain Java arrays: {@code n} samples of shape {@code sampleShape}
 * (row-major, flattened) and their class labels.
 *
 * <p>Construction validates everything a trainer relies on, so bad data fails here with a message
 * naming the problem: NaN or infinite features (with the sample and feature index), labels outside
 * {@code [0, classes)}, and lengths that disagree with the shape. Instances are immutable; the
 * arrays returned by {@link #features()} and {@link #labels()} are the internal ones and must not be
 * modified.
 */
public final class LabeledData {

    private final float[] features;
    private final int[] labels;
    private final int[] sampleShape;
    private final int featureSize;
    private final int classes;

    private LabeledData(float[] features, int[] labels, int[] sampleShape, int classes) {
        this.features = features;
        this.labels = labels;
        this.sampleShape = sampleShape;
        this.featureSize = product(sampleShape);
        this.classes = classes;
    }

    /**
     * Creates a validated data set (the arrays are not copied).
     *
     * @param features {@code n × prod(sampleShape)} row-major values, all finite
     * @param labels {@code n} labels in {@code [0, classes)}
     * @param sampleShape shape of one sample, for example {@code [1, 28, 28]}
     * @param classes number of classes
     * @return the data set
     * @throws IllegalArgumentException naming the first problem found
     */
    public static LabeledData of(float[] features, int[] labels, int[] sampleShape, int classes) {
        if (sampleShape.length == 0) {
            throw new IllegalArgumentException("sample shape must have at least one dimension");
        }
        int d = product(sampleShape);
        if (d <= 0) {
            throw new IllegalArgumentException("sample shape " + Arrays.toString(sampleShape) + " has no features");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("need at least 2 classes, got " + classes);
        }
        if ((long) labels.length * d != features.length) {
            throw new IllegalArgumentException("shape mismatch: " + labels.length + " labels with sample shape "
                    + Arrays.toString(sampleShape) + " need " + ((long) labels.length * d) + " feature values, got " + features.length);
        }
        for (int i = 0; i < features.length; i++) {
            if (!Float.isFinite(features[i])) {
                throw new IllegalArgumentException("non-finite input: sample " + (i / d) + " feature " + (i % d)
                        + " is " + features[i] + " (NaN/Inf are rejected, never trained on)");
            }
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " of sample " + i + " is outside [0, " + classes + ")");
            }
        }
        return new LabeledData(features, labels, sampleShape.clone(), classes);
    }

    /** Returns the number of samples. */
    public int size() {
        return labels.length;
    }

    /** Returns true when there are no samples. */
    public boolean isEmpty() {
        return labels.length == 0;
    }

    /** Returns the number of features per sample. */
    public int featureSize() {
        return featureSize;
    }

    /** Returns the number of classes. */
    public int classes() {
        return classes;
    }

    /** Returns a copy of the sample shape. */
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    /** Returns the internal feature array (do not modify). */
    public float[] features() {
        return features;
    }

    /** Returns the internal label array (do not modify). */
    public int[] labels() {
        return labels;
    }

    /**
     * Returns a copy of one sample's features.
     *
     * @param i sample index
     * @return features
     */
    public float[] row(int i) {
        return Arrays.copyOfRange(features, i * featureSize, (i + 1) * featureSize);
    }

    /**
     * Selects samples by index.
     *
     * @param indices sample indices (may repeat)
     * @return the subset
     */
    public LabeledData subset(int[] indices) {
        float[] f = new float[indices.length * featureSize];
        int[] l = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(features, indices[k] * featureSize, f, k * featureSize, featureSize);
            l[k] = labels[indices[k]];
        }
        return new LabeledData(f, l, sampleShape, classes);
    }

    /**
     * Returns samples {@code [from, to)}.
     *
     * @param from first index
     * @param to one past the last index
     * @return the range
     */
    public LabeledData range(int from, int to) {
        return new LabeledData(Arrays.copyOfRange(features, from * featureSize, to * featureSize),
                Arrays.copyOfRange(labels, from, to), sampleShape, classes);
    }

    /**
     * Returns the samples in a seeded random order.
     *
     * @param seed seed
     * @return shuffled copy
     */
    public LabeledData shuffled(long seed) {
        return subset(permutation(size(), seed));
    }

    /**
     * Splits into a training part and a held-out part, after a seeded shuffle.
     *
     * @param heldOutFraction fraction for the held-out part, in (0, 1)
     * @param seed seed
     * @return [train, heldOut]
     */
    public List<LabeledData> split(double heldOutFraction, long seed) {
        if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
            throw new IllegalArgumentException("held-out fraction must be in (0, 1), got " + heldOutFraction);
        }
        int[] perm = permutation(size(), seed);
        int held = Math.max(1, (int) Math.round(size() * heldOutFraction));
        if (held >= size()) {
            throw new IllegalArgumentException("cannot split " + size() + " samples: nothing left to train on");
        }
        return List.of(subset(Arrays.copyOfRange(perm, held, perm.length)), subset(Arrays.copyOfRange(perm, 0, held)));
    }

    /**
     * Returns the same samples with new features (same shape), for transforms.
     *
     * @param newFeatures features
     * @return a validated copy
     */
    public LabeledData withFeatures(float[] newFeatures) {
        return of(newFeatures, labels, sampleShape, classes);
    }

    /**
     * Returns the same data viewed with another sample shape of equal size.
     *
     * @param shape new sample shape
     * @return reshaped data
     */
    public LabeledData reshape(int... shape) {
        if (product(shape) != featureSize) {
            throw new IllegalArgumentException("cannot reshape samples of " + featureSize + " features to " + Arrays.toString(shape));
        }
        return new LabeledData(features, labels, shape.clone(), classes);
    }

    /**
     * Concatenates data sets of the same sample shape and class count.
     *
     * @param parts the parts
     * @return the concatenation
     */
    public static LabeledData concat(List<LabeledData> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        LabeledData first = parts.get(0);
        int n = 0;
        for (LabeledData p : parts) {
            if (!Arrays.equals(p.sampleShape, first.sampleShape) || p.classes != first.classes) {
                throw new IllegalArgumentException("shape mismatch: cannot concatenate samples of shape "
                        + Arrays.toString(p.sampleShape) + "/" + p.classes + " classes with "
                        + Arrays.toString(first.sampleShape) + "/" + first.classes + " classes");
            }
            n += p.size();
        }
        float[] f = new float[n * first.featureSize];
        int[] l = new int[n];
        int at = 0;
        for (LabeledData p : parts) {
            System.arraycopy(p.features, 0, f, at * first.featureSize, p.features.length);
            System.arraycopy(p.labels, 0, l, at, p.size());
            at += p.size();
        }
        return new LabeledData(f, l, first.sampleShape, first.classes);
    }

    /** Returns {@code 0..n-1} in a seeded random order (Fisher–Yates). */
    public static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Returns per-class sample counts. */
    public int[] classCounts() {
        int[] c = new int[classes];
        for (int l : labels) {
            c[l]++;
        }
        return c;
    }

    static int product(int[] shape) {
        int p = 1;
        for (int s : shape) {
            p *= s;
        }
        return p;
    }

    @Override
    public String toString() {
        return "LabeledData{" + size() + " x " + Arrays.toString(sampleShape) + ", " + classes + " classes}";
    }

    /** Helper: list of the given parts. */
    static List<LabeledData> listOf(LabeledData... parts) {
        return new ArrayList<>(Arrays.asList(parts));
    }
}
