package io.perennial.learning.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.perennial.formats.safetensors.SafetensorsFile;
import io.perennial.formats.safetensors.Tensor;
import io.perennial.learning.device.Devices;
import io.perennial.learning.merge.TruncatedSvd;

/**
 * Routes inputs between regimes (the base regime and one per adapter) by the Mahalanobis distance of
 * their base-model features to each regime's {@link FeatureDescriptor}.
 *
 * <p>Features {@code f ∈ ℝ^D} (the base's penultimate activations) are first projected on the top
 * {@code k} principal directions {@code P} of the first regime's features ({@link RouterConfig#projectionDim});
 * then for all K regimes at once \( y = W_{all}\,Pf + b_{all} \) with \( W_k = L_k^{-1} \),
 * \( b_k = -L_k^{-1} m_k \) stacked, and \( d_k^2 = \|y_k\|^2 / k \): one matrix product per batch.
 */
public final class AdapterRouter implements AutoCloseable {

    private final RouterConfig config;
    private final int featureDim;
    private final NDManager manager;
    private final List<FeatureDescriptor> descriptors = new ArrayList<>();
    private float[] projection;
    private int routedDim;
    private NDArray projectionNd;
    private NDArray wAll;
    private NDArray bAll;
    private NDArray invDim;

    /**
     * Creates an empty router.
     *
     * @param featureDim D, the base feature dimension
     * @param config settings
     */
    public AdapterRouter(int featureDim, RouterConfig config) {
        this.featureDim = featureDim;
        this.config = config;
        this.manager = NDManager.newBaseManager(Devices.select());
    }

    /** Returns the settings. */
    public RouterConfig config() {
        return config;
    }

    /** Returns D. */
    public int featureDim() {
        return featureDim;
    }

    /** Returns the descriptors in regime order. */
    public List<FeatureDescriptor> descriptors() {
        return Collections.unmodifiableList(descriptors);
    }

    /** Returns the regime names in order. */
    public List<String> regimeNames() {
        return descriptors.stream().map(FeatureDescriptor::name).toList();
    }

    /**
     * Adds a regime from its base features (the first one also fixes the projection).
     *
     * @param name regime name (unique)
     * @param baseFeatures row-major {@code [n, D]}
     * @return the fitted descriptor
     */
    public synchronized FeatureDescriptor addRegime(String name, float[] baseFeatures) {
        if (regimeNames().contains(name)) {
            throw new IllegalArgumentException("regime '" + name + "' is already routed");
        }
        if (baseFeatures.length == 0 || baseFeatures.length % featureDim != 0) {
            throw new IllegalArgumentException("empty segment or shape mismatch: regime '" + name + "' got "
                    + baseFeatures.length + " feature values for dimension " + featureDim);
        }
        if (projection == null) {
            fitProjection(baseFeatures);
        }
        FeatureDescriptor d = FeatureDescriptor.fit(name, project(baseFeatures), routedDim, config.shrinkage(), config.noveltyQuantile());
        descriptors.add(d);
        rebuild();
        return d;
    }

    /**
     * Adds a restored descriptor (its dimension must match the projection).
     *
     * @param d descriptor
     */
    public synchronized void addDescriptor(FeatureDescriptor d) {
        if (projection == null || d.dim() != routedDim) {
            throw new IllegalArgumentException("shape mismatch: descriptor '" + d.name() + "' has dimension " + d.dim()
                    + ", router projects to " + routedDim);
        }
        descriptors.add(d);
        rebuild();
    }

    /**
     * Removes a regime.
     *
     * @param name regime name
     * @return whether it existed
     */
    public synchronized boolean removeRegime(String name) {
        boolean removed = descriptors.removeIf(d -> d.name().equals(name));
        if (removed) {
            rebuild();
        }
        return removed;
    }

    private void fitProjection(float[] feats) {
        int n = feats.length / featureDim;
        int k = config.projectionDim() == 0 ? featureDim : Math.min(config.projectionDim(), featureDim);
        routedDim = k;
        projection = new float[k * featureDim];
        if (k == featureDim) {
            for (int i = 0; i < k; i++) {
                projection[i * featureDim + i] = 1f;
            }
        } else {
            double[] mean = new double[featureDim];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < featureDim; j++) {
                    mean[j] += feats[i * featureDim + j];
                }
            }
            for (int j = 0; j < featureDim; j++) {
                mean[j] /= n;
            }
            double[][] cov = new double[featureDim][featureDim];
            double[] z = new double[featureDim];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < featureDim; j++) {
                    z[j] = feats[i * featureDim + j] - mean[j];
                }
                for (int a = 0; a < featureDim; a++) {
                    if (z[a] == 0) {
                        continue;
                    }
                    for (int b = a; b < featureDim; b++) {
                        cov[a][b] += z[a] * z[b];
                    }
                }
            }
            for (int a = 0; a < featureDim; a++) {
                for (int b = a; b < featureDim; b++) {
                    cov[a][b] /= n;
                    cov[b][a] = cov[a][b];
                }
            }
            TruncatedSvd svd = TruncatedSvd.of(cov, k);
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < featureDim; j++) {
                    projection[c * featureDim + j] = (float) svd.u()[j][c];
                }
            }
        }
    }

    /**
     * Projects features with the router's projection (in Java; for fitting).
     *
     * @param feats row-major {@code [n, D]}
     * @return row-major {@code [n, k]}
     */
    public float[] project(float[] feats) {
        int n = feats.length / featureDim;
        float[] out = new float[n * routedDim];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < routedDim; c++) {
                double s = 0;
                int po = c * featureDim;
                int fo = i * featureDim;
                for (int j = 0; j < featureDim; j++) {
                    s += projection[po + j] * feats[fo + j];
                }
                out[i * routedDim + c] = (float) s;
            }
        }
        return out;
    }

    private void rebuild() {
        closeArrays();
        int kk = descriptors.size();
        if (kk == 0) {
            return;
        }
        int k = routedDim;
        float[] w = new float[kk * k * k];
        float[] b = new float[kk * k];
        for (int r = 0; r < kk; r++) {
            FeatureDescriptor d = descriptors.get(r);
            double[][] l = d.whitening();
            double[] m = d.mean();
            for (int i = 0; i < k; i++) {
                double bi = 0;
                for (int j = 0; j < k; j++) {
                    w[(r * k + i) * k + j] = (float) l[i][j];
                    bi -= l[i][j] * m[j];
                }
                b[r * k + i] = (float) bi;
            }
        }
        projectionNd = manager.create(projection, new Shape(k, featureDim));
        wAll = manager.create(w, new Shape((long) kk * k, k));
        bAll = manager.create(b, new Shape((long) kk * k));
        invDim = manager.full(new Shape(), 1f / k, DataType.FLOAT32);
    }

    private void closeArrays() {
        for (NDArray a : new NDArray[] {projectionNd, wAll, bAll, invDim}) {
            if (a != null) {
                a.close();
            }
        }
    }

    /**
     * Computes normalised squared distances to every regime.
     *
     * @param features base features {@code [N, D]}
     * @return {@code [N, K]}
     */
    public synchronized NDArray distances(NDArray features) {
        if (descriptors.isEmpty()) {
            throw new IllegalStateException("router has no regimes");
        }
        long n = features.getShape().get(0);
        NDArray fp = features.matMul(projectionNd.transpose());
        NDArray y = ai.djl.nn.core.Linear.linear(fp, wAll, bAll).singletonOrThrow();
        return y.mul(y).reshape(new Shape(n, descriptors.size(), routedDim)).sum(new int[] {2}).mul(invDim);
    }

    /**
     * Routes a batch.
     *
     * @param features base features {@code [N, D]}
     * @return decisions
     */
    public Routing route(NDArray features) {
        int kk = descriptors.size();
        float[] d = distances(features).toFloatArray();
        int n = d.length / kk;
        int[] assign = new int[n];
        float[] novelty = new float[n];
        boolean[] novel = new boolean[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int k = 1; k < kk; k++) {
                if (d[i * kk + k] < d[i * kk + best]) {
                    best = k;
                }
            }
            assign[i] = best;
            novelty[i] = d[i * kk + best];
            novel[i] = novelty[i] > descriptors.get(best).threshold();
        }
        return new Routing(assign, d, kk, novelty, novel);
    }

    /**
     * Serialises projection and descriptors (safetensors content).
     *
     * @return file content
     */
    public synchronized SafetensorsFile toSafetensors() {
        SafetensorsFile.Builder b = SafetensorsFile.builder()
                .putMetadata("perennial.kind", "router")
                .putMetadata("perennial.format_version", "1")
                .putMetadata("feature_dim", String.valueOf(featureDim))
                .putMetadata("regimes", String.valueOf(descriptors.size()))
                .putMetadata("projection_dim", String.valueOf(config.projectionDim()))
                .putMetadata("shrinkage", String.valueOf(config.shrinkage()))
                .putMetadata("novelty_quantile", String.valueOf(config.noveltyQuantile()))
                .putMetadata("temperature", String.valueOf(config.temperature()));
        if (projection != null) {
            b.putFloats("projection", new long[] {routedDim, featureDim}, projection);
        }
        for (int i = 0; i < descriptors.size(); i++) {
            FeatureDescriptor d = descriptors.get(i);
            int k = d.dim();
            float[] mean = new float[k];
            float[] cov = new float[k * k];
            for (int a = 0; a < k; a++) {
                mean[a] = (float) d.mean()[a];
                for (int c = 0; c < k; c++) {
                    cov[a * k + c] = (float) d.covariance()[a][c];
                }
            }
            b.putMetadata("regime." + i + ".name", d.name())
                    .putMetadata("regime." + i + ".shrinkage", String.valueOf(d.shrinkage()))
                    .putMetadata("regime." + i + ".count", String.valueOf(d.count()))
                    .putMetadata("regime." + i + ".threshold", String.valueOf(d.threshold()));
            b.putFloats("regime." + i + ".mean", new long[] {k}, mean);
            b.putFloats("regime." + i + ".covariance", new long[] {k, k}, cov);
        }
        return b.build();
    }

    /**
     * Restores a router.
     *
     * @param file content written by {@link #toSafetensors()}
     * @return the router
     */
    public static AdapterRouter fromSafetensors(SafetensorsFile file) {
        Map<String, String> md = file.metadata();
        RouterConfig cfg = new RouterConfig(Integer.parseInt(md.get("projection_dim")), Double.parseDouble(md.get("shrinkage")),
                Double.parseDouble(md.get("novelty_quantile")), Double.parseDouble(md.get("temperature")));
        AdapterRouter r = new AdapterRouter(Integer.parseInt(md.get("feature_dim")), cfg);
        int regimes = Integer.parseInt(md.get("regimes"));
        if (regimes > 0) {
            Tensor p = file.tensor("projection");
            r.projection = p.toFloatArray();
            r.routedDim = (int) p.shape()[0];
        }
        for (int i = 0; i < regimes; i++) {
            float[] mean = file.tensor("regime." + i + ".mean").toFloatArray();
            float[] cov = file.tensor("regime." + i + ".covariance").toFloatArray();
            int k = mean.length;
            double[] m = new double[k];
            double[][] c = new double[k][k];
            for (int a = 0; a < k; a++) {
                m[a] = mean[a];
                for (int b = 0; b < k; b++) {
                    c[a][b] = cov[a * k + b];
                }
            }
            r.descriptors.add(FeatureDescriptor.restore(md.get("regime." + i + ".name"), m, c,
                    Double.parseDouble(md.get("regime." + i + ".shrinkage")), Integer.parseInt(md.get("regime." + i + ".count")),
                    Double.parseDouble(md.get("regime." + i + ".threshold"))));
        }
        r.rebuild();
        return r;
    }

    @Override
    public void close() {
        manager.close();
    }
}
