package io.perennial.learning.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A deterministic transform of images that simulates a regime change (domain shift).
 *
 * <p>Images are read as {@code [c, h, w]} (or {@code [h, w]}, or a flat square vector); every channel is
 * transformed the same way. Factories: {@link #rotation}, {@link #permutation}, {@link #gaussianNoise},
 * {@link #inversion}, {@link #blur} and {@link #identity}.
 */
public interface DomainShift {

    /** Returns a short name, for example {@code rot30}. */
    String name();

    /**
     * Transforms one channel of {@code h × w} pixels.
     *
     * @param pixels row-major input
     * @param h height
     * @param w width
     * @param sampleIndex index of the sample (for per-sample randomness)
     * @return a new array with the transformed pixels
     */
    float[] transform(float[] pixels, int h, int w, int sampleIndex);

    /**
     * Applies the shift to every sample of a data set.
     *
     * @param data images
     * @return transformed copy (labels unchanged)
     */
    default LabeledData apply(LabeledData data) {
        int[] s = data.sampleShape();
        int c;
        int h;
        int w;
        if (s.length == 3) {
            c = s[0];
            h = s[1];
            w = s[2];
        } else if (s.length == 2) {
            c = 1;
            h = s[0];
            w = s[1];
        } else {
            int side = (int) Math.round(Math.sqrt(s[0]));
            if (side * side != s[0]) {
                throw new IllegalArgumentException("shape mismatch: domain shift '" + name() + "' needs image samples, got shape " + Arrays.toString(s));
            }
            c = 1;
            h = side;
            w = side;
        }
        float[] in = data.features();
        float[] out = new float[in.length];
        int plane = h * w;
        float[] buf = new float[plane];
        for (int i = 0; i < data.size(); i++) {
            for (int ch = 0; ch < c; ch++) {
                int off = (i * c + ch) * plane;
                System.arraycopy(in, off, buf, 0, plane);
                System.arraycopy(transform(buf, h, w, i), 0, out, off, plane);
            }
        }
        return data.withFeatures(out);
    }

    /** Returns the identity (the base regime). */
    static DomainShift identity() {
        return named("identity", (p, h, w, i) -> p.clone());
    }

    /**
     * Rotation about the image centre by {@code degrees}, counter-clockwise as displayed (row 0 at the top),
     * bilinear interpolation, zero fill.
     *
     * @param degrees angle
     * @return the shift
     */
    static DomainShift rotation(double degrees) {
        double rad = Math.toRadians(degrees);
        double cos = Math.cos(rad);
        double sin = Math.sin(rad);
        return named("rot" + (degrees == Math.rint(degrees) ? String.valueOf((long) degrees) : String.valueOf(degrees)), (p, h, w, idx) -> {
            float[] out = new float[h * w];
            double cy = (h - 1) / 2.0;
            double cx = (w - 1) / 2.0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    // inverse mapping: source = R(-θ) · (target - centre) + centre
                    double dx = x - cx;
                    double dy = y - cy;
                    double sx = cos * dx - sin * dy + cx;
                    double sy = sin * dx + cos * dy + cy;
                    out[y * w + x] = bilinear(p, h, w, sy, sx);
                }
            }
            return out;
        });
    }

    /**
     * A fixed random permutation of the pixels (permuted-MNIST style), the same for every sample.
     *
     * @param seed seed of the permutation
     * @return the shift
     */
    static DomainShift permutation(long seed) {
        return named("perm" + seed, new PixelPermutation(seed));
    }

    /**
     * Additive gaussian noise, clamped to [0, 1], seeded per sample.
     *
     * @param sigma standard deviation
     * @param seed seed
     * @return the shift
     */
    static DomainShift gaussianNoise(double sigma, long seed) {
        return named("noise" + sigma, (p, h, w, idx) -> {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + idx);
            float[] out = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                double g = gaussian(r);
                out[i] = (float) Math.min(1, Math.max(0, p[i] + sigma * g));
            }
            return out;
        });
    }

    /** Contrast inversion {@code 1 - x} (for pixels in [0, 1]). */
    static DomainShift inversion() {
        return named("invert", (p, h, w, i) -> {
            float[] out = new float[p.length];
            for (int k = 0; k < p.length; k++) {
                out[k] = 1f - p[k];
            }
            return out;
        });
    }

    /**
     * Gaussian blur with the given standard deviation (kernel radius {@code ceil(3σ)}), zero padding.
     *
     * @param sigma standard deviation in pixels
     * @return the shift
     */
    static DomainShift blur(double sigma) {
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("blur sigma must be positive, got " + sigma);
        }
        int rad = (int) Math.ceil(3 * sigma);
        float[] k = new float[2 * rad + 1];
        double sum = 0;
        for (int i = -rad; i <= rad; i++) {
            k[i + rad] = (float) Math.exp(-i * i / (2 * sigma * sigma));
            sum += k[i + rad];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= (float) sum;
        }
        return named("blur" + sigma, (p, h, w, idx) -> {
            float[] tmp = new float[p.length];
            float[] out = new float[p.length];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float s = 0;
                    for (int j = -rad; j <= rad; j++) {
                        int xx = x + j;
                        if (xx >= 0 && xx < w) {
                            s += k[j + rad] * p[y * w + xx];
                        }
                    }
                    tmp[y * w + x] = s;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float s = 0;
                    for (int j = -rad; j <= rad; j++) {
                        int yy = y + j;
                        if (yy >= 0 && yy < h) {
                            s += k[j + rad] * tmp[yy * w + x];
                        }
                    }
                    out[y * w + x] = s;
                }
            }
            return out;
        });
    }

    /**
     * Wraps a pixel function with a name.
     *
     * @param name name
     * @param f the transform
     * @return the shift
     */
    static DomainShift named(String name, PixelFunction f) {
        return new DomainShift() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public float[] transform(float[] pixels, int h, int w, int sampleIndex) {
                return f.apply(pixels, h, w, sampleIndex);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** A per-channel pixel transform. */
    @FunctionalInterface
    interface PixelFunction {
        /**
         * Transforms pixels.
         *
         * @param pixels input
         * @param h height
         * @param w width
         * @param sampleIndex sample index
         * @return output
         */
        float[] apply(float[] pixels, int h, int w, int sampleIndex);
    }

    private static float bilinear(float[] p, int h, int w, double y, double x) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        double v = 0;
        v += (1 - fx) * (1 - fy) * at(p, h, w, y0, x0);
        v += fx * (1 - fy) * at(p, h, w, y0, x0 + 1);
        v += (1 - fx) * fy * at(p, h, w, y0 + 1, x0);
        v += fx * fy * at(p, h, w, y0 + 1, x0 + 1);
        return (float) v;
    }

    private static float at(float[] p, int h, int w, int y, int x) {
        return y < 0 || y >= h || x < 0 || x >= w ? 0f : p[y * w + x];
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(Math.max(u1, 1e-300))) * Math.cos(2 * Math.PI * u2);
    }

    /** A fixed pixel permutation, created lazily for the first image size it sees. */
    final class PixelPermutation implements PixelFunction {
        private final long seed;
        private int[] perm = new int[0];

        PixelPermutation(long seed) {
            this.seed = seed;
        }

        @Override
        public synchronized float[] apply(float[] pixels, int h, int w, int sampleIndex) {
            if (perm.length != pixels.length) {
                perm = LabeledData.permutation(pixels.length, seed);
            }
            float[] out = new float[pixels.length];
            for (int i = 0; i < pixels.length; i++) {
                out[i] = pixels[perm[i]];
            }
            return out;
        }
    }
}
