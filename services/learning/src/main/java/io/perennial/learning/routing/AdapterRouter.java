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
    private NDArray meansNd;
    private NDArray meanNorms;
    private NDArray two;
    private NDArray invDim;
    private final java.util.Set<String> archived = new java.util.LinkedHashSet<>();
    private Likelihood everyone;
    private final Map<Integer, Likelihood> perRegime = new java.util.HashMap<>();
    private float[] pooledLogDet = new float[0];
    private float[] fallbackThreshold = new float[0];

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
    public FeatureDescriptor addRegime(String name, float[] baseFeatures) {
        return addRegime(name, baseFeatures, null);
    }

    /**
     * Adds a regime from its base features and, for class-conditional descriptors, their labels.
     *
     * @param name regime name (unique)
     * @param baseFeatures row-major {@code [n, D]}
     * @param labels labels of the rows (used when {@link RouterConfig#classConditional()}), or null
     * @return the fitted descriptor
     */
    public FeatureDescriptor addRegime(String name, float[] baseFeatures, int @org.jspecify.annotations.Nullable [] labels) {
        int classes = 0;
        if (labels != null) {
            for (int l : labels) {
                classes = Math.max(classes, l + 1);
            }
        }
        return addRegime(name, baseFeatures, labels, classes);
    }

    /**
     * Adds a regime from its base features and labels, recording the training class counts (over {@code classes}
     * classes, so that a class absent from the window counts as empty) and the out-of-fold reference distances
     * the window assessment compares with.
     *
     * @param name regime name (unique)
     * @param baseFeatures row-major {@code [n, D]}
     * @param labels labels of the rows, or null
     * @param classes number of classes of the task
     * @return the fitted descriptor
     */
    public synchronized FeatureDescriptor addRegime(String name, float[] baseFeatures, int @org.jspecify.annotations.Nullable [] labels,
            int classes) {
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
        float[] projected = project(baseFeatures);
        int[] fitLabels = config.classConditional() ? labels : null;
        FeatureDescriptor d = FeatureDescriptor.fit(name, projected, fitLabels, routedDim, config.shrinkage(), config.noveltyQuantile(),
                config.likelihoodRouting() ? config.classCovarianceShare() : 0);
        int[] counts = null;
        if (labels != null) {
            counts = new int[classes];
            for (int l : labels) {
                counts[l]++;
            }
        }
        d = d.withTrainingInfo(d.groupClasses(), counts, ReferenceDistances.crossFit(name, projected, fitLabels, routedDim, d.shrinkage()));
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
     * Takes a regime out of routing (its rows go to the remaining regimes) or puts it back; its descriptor stays.
     *
     * @param name regime name
     * @param out true to archive, false to restore
     */
    public synchronized void setArchived(String name, boolean out) {
        if (!regimeNames().contains(name)) {
            throw new IllegalArgumentException("router has no regime '" + name + "'");
        }
        if (out) {
            if (archived.size() + 1 >= descriptors.size() && !archived.contains(name)) {
                throw new IllegalArgumentException("cannot archive '" + name + "': it is the last routed regime");
            }
            archived.add(name);
        } else {
            archived.remove(name);
        }
        dropLikelihood();
    }

    /** Returns the archived regimes (in the router but out of routing). */
    public synchronized java.util.Set<String> archived() {
        return java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(archived));
    }

    /**
     * Removes a regime.
     *
     * @param name regime name
     * @return whether it existed
     */
    public synchronized boolean removeRegime(String name) {
        boolean removed = descriptors.removeIf(d -> d.name().equals(name));
        archived.remove(name);
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
        int groups = 1;
        for (FeatureDescriptor d : descriptors) {
            groups = Math.max(groups, d.means().length);
        }
        float[] w = new float[kk * k * k];
        float[] mw = new float[kk * groups * k];
        float[] mn = new float[kk * groups];
        for (int r = 0; r < kk; r++) {
            FeatureDescriptor d = descriptors.get(r);
            double[][] l = d.whitening();
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    w[(r * k + i) * k + j] = (float) l[i][j];
                }
            }
            double[][] means = d.means();
            for (int c = 0; c < groups; c++) {
                double[] m = means[Math.min(c, means.length - 1)]; // pad with a repeated mean: the minimum is unchanged
                double norm = 0;
                for (int i = 0; i < k; i++) {
                    double v = 0;
                    for (int j = 0; j <= i; j++) {
                        v += l[i][j] * m[j];
                    }
                    mw[(r * groups + c) * k + i] = (float) v;
                    norm += v * v;
                }
                mn[r * groups + c] = (float) norm;
            }
        }
        fitFallbackThresholds();
        projectionNd = manager.create(projection, new Shape(k, featureDim));
        wAll = manager.create(w, new Shape((long) kk * k, k));
        meansNd = manager.create(mw, new Shape(kk, groups, k));
        meanNorms = manager.create(mn, new Shape(kk, 1, groups));
        two = manager.full(new Shape(), 2f, DataType.FLOAT32);
        invDim = manager.full(new Shape(), 1f / k, DataType.FLOAT32);
    }

    private void closeArrays() {
        for (NDArray a : new NDArray[] {projectionNd, wAll, meansNd, meanNorms, two, invDim}) {
            if (a != null) {
                a.close();
            }
        }
        dropLikelihood();
    }

    private void dropLikelihood() {
        if (everyone != null) {
            everyone.close();
        }
        everyone = null;
        perRegime.values().forEach(Likelihood::close);
        perRegime.clear();
    }

    // The FALLBACK_QUANTILE of each regime's out-of-fold reference distances.
    private void fitFallbackThresholds() {
        int kk = descriptors.size();
        fallbackThreshold = new float[kk];
        pooledLogDet = new float[kk];
        for (int r = 0; r < kk; r++) {
            double ld = 0;
            double[][] w = descriptors.get(r).whitening();
            for (int i = 0; i < w.length; i++) {
                ld -= 2 * Math.log(w[i][i]);
            }
            pooledLogDet[r] = (float) (ld / w.length);
        }
        for (int r = 0; r < kk; r++) {
            ReferenceDistances ref = descriptors.get(r).reference();
            fallbackThreshold[r] = ref == null || ref.size() == 0 ? Float.POSITIVE_INFINITY : quantile(ref.nearest(), FALLBACK_QUANTILE);
        }
    }

    /**
     * Per-class Gaussian matrices for a subset of regimes: the stacked, transposed \( L_{rc}^{-1} \), \( L_{rc}^{-1}m_{rc} \)
     * and \( \log\det\Sigma_{rc} \); a regime without per-class Gaussians uses its pooled covariance for every class.
     * Routing builds one per regime and evaluates it for the rows that have the regime among their candidates.
     */
    private final class Likelihood implements AutoCloseable {
        private final int[] regimes;
        private final int groups;
        private final NDArray whiteningT;
        private final NDArray means;
        private final NDArray logDet;

        Likelihood(int[] regimes) {
            this.regimes = regimes;
            int k = routedDim;
            int g0 = 1;
            for (int r : regimes) {
                g0 = Math.max(g0, descriptors.get(r).means().length);
            }
            groups = g0;
            int kk = regimes.length;
            int cols = kk * groups * k;
            float[] w = new float[k * cols];
            float[] mw = new float[kk * groups * k];
            float[] ld = new float[kk * groups];
            for (int ri = 0; ri < kk; ri++) {
                FeatureDescriptor d = descriptors.get(regimes[ri]);
                ClassGaussians cg = d.classGaussians();
                double pooledLogDet = 0;
                for (int i = 0; i < k; i++) {
                    pooledLogDet -= 2 * Math.log(d.whitening()[i][i]);
                }
                for (int c = 0; c < groups; c++) {
                    int g = Math.min(c, d.means().length - 1); // pad with a repeated class: the minimum is unchanged
                    double[][] l = cg == null ? d.whitening() : cg.whitening()[g];
                    ld[ri * groups + c] = (float) (cg == null ? pooledLogDet : cg.logDet()[g]);
                    double[] m = d.means()[g];
                    int block = (ri * groups + c) * k;
                    for (int i = 0; i < k; i++) {
                        double v = 0;
                        for (int j = 0; j <= i; j++) {
                            w[j * cols + block + i] = (float) l[i][j];
                            v += l[i][j] * m[j];
                        }
                        mw[block + i] = (float) v;
                    }
                }
            }
            whiteningT = manager.create(w, new Shape(k, cols));
            means = manager.create(mw, new Shape((long) kk * groups, k));
            logDet = manager.create(ld, new Shape((long) kk * groups));
            // built lazily, possibly inside a caller's NDScope: these live as long as the router, not the scope
            ai.djl.ndarray.NDScope.unregister(whiteningT, means, logDet);
        }

        /** Scores {@code [N, regimes.length]} of projected features {@code [N, k]}. */
        NDArray scores(NDArray projected) {
            long n = projected.getShape().get(0);
            NDArray z = projected.matMul(whiteningT).reshape(new Shape(n, (long) regimes.length * groups, routedDim)).sub(means);
            return z.mul(z).sum(new int[] {2}).add(logDet).reshape(new Shape(n, regimes.length, groups)).min(new int[] {2}).mul(invDim);
        }

        @Override
        public void close() {
            whiteningT.close();
            means.close();
            logDet.close();
        }
    }

    /** Regimes per row whose per-class likelihood is evaluated (the best by pooled likelihood). */
    public static final int CANDIDATES = 3;

    // Per-class likelihood scores [n, K] for each row's CANDIDATES best regimes by the pooled Gaussian score
    // d² + log det Σ / k (cheap: one product for all regimes); the other entries are +inf. This keeps the per-row
    // cost at CANDIDATES·C·k² whatever the number of regimes.
    private float[] candidateScores(NDArray features, float[] d, int n) {
        int kk = descriptors.size();
        float[] out = new float[n * kk];
        java.util.Arrays.fill(out, Float.POSITIVE_INFINITY);
        List<List<Integer>> rowsOf = new ArrayList<>();
        for (int r = 0; r < kk; r++) {
            rowsOf.add(new ArrayList<>());
        }
        int m = Math.min(CANDIDATES, kk);
        int[] pick = new int[m];
        for (int i = 0; i < n; i++) {
            int found = 0;
            for (int r = 0; r < kk; r++) {
                float v = d[i * kk + r] + pooledLogDet[r];
                if (!Float.isFinite(v)) {
                    continue;
                }
                int at = Math.min(found, m - 1);
                if (found >= m && v >= d[i * kk + pick[at]] + pooledLogDet[pick[at]]) {
                    continue;
                }
                while (at > 0 && v < d[i * kk + pick[at - 1]] + pooledLogDet[pick[at - 1]]) {
                    pick[at] = pick[at - 1];
                    at--;
                }
                pick[at] = r;
                found = Math.min(found + 1, m);
            }
            for (int j = 0; j < found; j++) {
                rowsOf.get(pick[j]).add(i);
            }
        }
        NDArray y = features.matMul(projectionNd.transpose());
        for (int r = 0; r < kk; r++) {
            List<Integer> rows = rowsOf.get(r);
            if (rows.isEmpty()) {
                continue;
            }
            long[] idx = rows.stream().mapToLong(Integer::longValue).toArray();
            NDArray yr = rows.size() == n ? y : y.get(new ai.djl.ndarray.index.NDIndex("{}", y.getManager().create(idx)));
            final int regime = r;
            float[] sc = perRegime.computeIfAbsent(r, k -> new Likelihood(new int[] {regime})).scores(yr).toFloatArray();
            for (int j = 0; j < idx.length; j++) {
                out[(int) idx[j] * kk + r] = sc[j];
            }
        }
        return out;
    }

    // Likelihood scores [n, K] of every regime, archived ones included (diagnostics and tests; routing evaluates
    // only each row's candidates).
    private float[] allLikelihoodScores(NDArray features) {
        if (everyone == null) {
            everyone = new Likelihood(java.util.stream.IntStream.range(0, descriptors.size()).toArray());
        }
        return everyone.scores(features.matMul(projectionNd.transpose())).toFloatArray();
    }

    /** Quantile of the reference distances above which a row is "far" from a regime (for the fallback to the base). */
    public static final double FALLBACK_QUANTILE = 0.999;

    private static float quantile(float[] v, double q) {
        float[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[Math.min(s.length - 1, Math.max(0, (int) Math.ceil(q * s.length) - 1))];
    }

    /**
     * Likelihood routing scores \( \min_c [(f-m_{rc})^\top\Sigma_{rc}^{-1}(f-m_{rc}) + \log\det\Sigma_{rc}]/k \) for every regime
     * (archived ones included).
     *
     * @param features base features {@code [N, D]}
     * @return row-major {@code [N, K]}
     */
    public synchronized float[] likelihoodScores(NDArray features) {
        if (!config.likelihoodRouting()) {
            throw new IllegalStateException("likelihood routing is off (classCovarianceShare 0 or plain descriptors)");
        }
        return allLikelihoodScores(features);
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
        int kk = descriptors.size();
        // y_r = L_r^-1 P f for every regime r: [K, N, k]
        NDArray y = features.matMul(projectionNd.transpose()).matMul(wAll.transpose())
                .reshape(new Shape(n, kk, routedDim)).transpose(1, 0, 2);
        // ||y - L^-1 m_c||^2 = ||y||^2 - 2 y·(L^-1 m_c) + ||L^-1 m_c||^2, minimum over c
        NDArray yy = y.mul(y).sum(new int[] {2}, true);
        NDArray cross = y.batchMatMul(meansNd.transpose(0, 2, 1));
        NDArray d = yy.sub(cross.mul(two)).add(meanNorms).min(new int[] {2});
        return d.transpose().mul(invDim);
    }

    /**
     * Routes a batch.
     *
     * @param features base features {@code [N, D]}
     * @return decisions
     */
    public Routing route(NDArray features) {
        return route(features, false);
    }

    /**
     * Routes a batch.
     *
     * @param features base features {@code [N, D]}
     * @param includeArchived whether archived regimes compete too (the window assessment asks where rows would go if
     *     every known regime were routed); otherwise their distances are reported as +∞
     * @return decisions
     */
    public synchronized Routing route(NDArray features, boolean includeArchived) {
        int kk = descriptors.size();
        float[] d = distances(features).toFloatArray();
        int n = d.length / kk;
        if (!includeArchived && !archived.isEmpty()) {
            for (int k = 0; k < kk; k++) {
                if (archived.contains(descriptors.get(k).name())) {
                    for (int i = 0; i < n; i++) {
                        d[i * kk + k] = Float.POSITIVE_INFINITY;
                    }
                }
            }
        }
        int[] assign = new int[n];
        float[] novelty = new float[n];
        boolean[] novel = new boolean[n];
        boolean likelihood = config.likelihoodRouting();
        float[] score = likelihood ? candidateScores(features, d, n) : d;
        for (int i = 0; i < n; i++) {
            int best = 0;
            boolean far = likelihood && !includeArchived;
            for (int k = 0; k < kk; k++) {
                if (score[i * kk + k] < score[i * kk + best]) {
                    best = k;
                }
                if (d[i * kk + k] <= fallbackThreshold[k]) {
                    far = false;
                }
            }
            // calibrated fallback: a row beyond every routed regime's reference range goes to the base (regime 0)
            assign[i] = far ? 0 : best;
            novelty[i] = d[i * kk + assign[i]];
            novel[i] = far || novelty[i] > descriptors.get(assign[i]).threshold();
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
                .putMetadata("temperature", String.valueOf(config.temperature()))
                .putMetadata("class_conditional", String.valueOf(config.classConditional()))
                .putMetadata("class_covariance_share", String.valueOf(config.classCovarianceShare()));
        if (projection != null) {
            b.putFloats("projection", new long[] {routedDim, featureDim}, projection);
        }
        for (int i = 0; i < descriptors.size(); i++) {
            FeatureDescriptor d = descriptors.get(i);
            int k = d.dim();
            int groups = d.means().length;
            float[] mean = new float[groups * k];
            float[] cov = new float[k * k];
            for (int a = 0; a < k; a++) {
                for (int c = 0; c < groups; c++) {
                    mean[c * k + a] = (float) d.means()[c][a];
                }
                for (int c = 0; c < k; c++) {
                    cov[a * k + c] = (float) d.covariance()[a][c];
                }
            }
            putTrainingInfo(b, i, d);
            b.putMetadata("regime." + i + ".name", d.name())
                    .putMetadata("regime." + i + ".shrinkage", String.valueOf(d.shrinkage()))
                    .putMetadata("regime." + i + ".count", String.valueOf(d.count()))
                    .putMetadata("regime." + i + ".threshold", String.valueOf(d.threshold()));
            b.putFloats("regime." + i + ".means", new long[] {groups, k}, mean);
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
                Double.parseDouble(md.get("novelty_quantile")), Double.parseDouble(md.get("temperature")),
                Boolean.parseBoolean(md.getOrDefault("class_conditional", "false")),
                // files written before likelihood routing route as they did: by the nearest pooled distance
                Double.parseDouble(md.getOrDefault("class_covariance_share", "0")));
        AdapterRouter r = new AdapterRouter(Integer.parseInt(md.get("feature_dim")), cfg);
        int regimes = Integer.parseInt(md.get("regimes"));
        if (regimes > 0) {
            Tensor p = file.tensor("projection");
            r.projection = p.toFloatArray();
            r.routedDim = (int) p.shape()[0];
        }
        for (int i = 0; i < regimes; i++) {
            io.perennial.formats.safetensors.Tensor mt = file.tensor("regime." + i + ".means");
            float[] mean = mt.toFloatArray();
            float[] cov = file.tensor("regime." + i + ".covariance").toFloatArray();
            int groups = (int) mt.shape()[0];
            int k = (int) mt.shape()[1];
            double[][] m = new double[groups][k];
            double[][] c = new double[k][k];
            for (int a = 0; a < k; a++) {
                for (int g = 0; g < groups; g++) {
                    m[g][a] = mean[g * k + a];
                }
                for (int b = 0; b < k; b++) {
                    c[a][b] = cov[a * k + b];
                }
            }
            FeatureDescriptor d = FeatureDescriptor.restore(md.get("regime." + i + ".name"), m, c,
                    Double.parseDouble(md.get("regime." + i + ".shrinkage")), Integer.parseInt(md.get("regime." + i + ".count")),
                    Double.parseDouble(md.get("regime." + i + ".threshold")));
            r.descriptors.add(readTrainingInfo(file, i, d));
        }
        r.rebuild();
        return r;
    }

    // Files written before these were kept lack them: the descriptor then reports them as unknown (null).
    private static void putTrainingInfo(SafetensorsFile.Builder b, int i, FeatureDescriptor d) {
        int[] gc = d.groupClasses();
        if (gc != null) {
            b.putMetadata("regime." + i + ".classes", join(gc));
        }
        int[] counts = d.classCounts();
        if (counts != null) {
            b.putMetadata("regime." + i + ".class_counts", join(counts));
        }
        ClassGaussians cg = d.classGaussians();
        if (cg != null) {
            int groups = cg.covariances().length;
            int k = d.dim();
            float[] v = new float[groups * k * k];
            for (int g = 0; g < groups; g++) {
                for (int a = 0; a < k; a++) {
                    for (int c = 0; c < k; c++) {
                        v[(g * k + a) * k + c] = (float) cg.covariances()[g][a][c];
                    }
                }
            }
            b.putFloats("regime." + i + ".class_covariances", new long[] {groups, k, k}, v);
        }
        ReferenceDistances ref = d.reference();
        if (ref != null && ref.size() > 0) {
            float[] v = new float[ref.size() * 3];
            for (int j = 0; j < ref.size(); j++) {
                v[j * 3] = ref.nearest()[j];
                v[j * 3 + 1] = ref.own()[j];
                v[j * 3 + 2] = ref.classes()[j];
            }
            b.putFloats("regime." + i + ".reference", new long[] {ref.size(), 3}, v);
        }
    }

    private static FeatureDescriptor readTrainingInfo(SafetensorsFile file, int i, FeatureDescriptor d) {
        Map<String, String> md = file.metadata();
        int[] gc = parseInts(md.get("regime." + i + ".classes"));
        int[] counts = parseInts(md.get("regime." + i + ".class_counts"));
        ReferenceDistances ref = null;
        Tensor t = file.tensors().get("regime." + i + ".reference");
        if (t != null) {
            float[] v = t.toFloatArray();
            int n = v.length / 3;
            float[] nearest = new float[n];
            float[] own = new float[n];
            int[] cls = new int[n];
            for (int j = 0; j < n; j++) {
                nearest[j] = v[j * 3];
                own[j] = v[j * 3 + 1];
                cls[j] = Math.round(v[j * 3 + 2]);
            }
            ref = new ReferenceDistances(nearest, own, cls);
        }
        if (gc != null && gc.length != d.means().length) {
            gc = null;
        }
        FeatureDescriptor out = d.withTrainingInfo(gc, counts, ref);
        Tensor ct = file.tensors().get("regime." + i + ".class_covariances");
        if (ct != null) {
            float[] v = ct.toFloatArray();
            int groups = (int) ct.shape()[0];
            int k = (int) ct.shape()[1];
            double[][][] cov = new double[groups][k][k];
            for (int g = 0; g < groups; g++) {
                for (int a = 0; a < k; a++) {
                    for (int c = 0; c < k; c++) {
                        cov[g][a][c] = v[(g * k + a) * k + c];
                    }
                }
            }
            out = out.withClassGaussians(ClassGaussians.restore(cov));
        }
        return out;
    }

    private static String join(int[] v) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < v.length; j++) {
            sb.append(j == 0 ? "" : ",").append(v[j]);
        }
        return sb.toString();
    }

    private static int @org.jspecify.annotations.Nullable [] parseInts(@org.jspecify.annotations.Nullable String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String[] parts = s.split(",");
        int[] out = new int[parts.length];
        for (int j = 0; j < parts.length; j++) {
            out[j] = Integer.parseInt(parts[j].trim());
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
