package io.perennial.learning.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Merging of weight deltas of one layer, in double precision on plain arrays.
 *
 * <p>Given {@code T} deltas \( \Delta_1 … \Delta_T \in \mathbb{R}^{out×in} \) and λ ({@link MergeOptions#scale}):
 * <ul>
 * <li><b>Task arithmetic</b> (Ilharco et al., ICLR 2023, <a href="https://arxiv.org/abs/2212.04089">arXiv:2212.04089</a>):
 *   \( \Delta = \lambda \sum_t \Delta_t \).</li>
 * <li><b>TIES</b> (Yadav et al., NeurIPS 2023, <a href="https://arxiv.org/abs/2306.01708">arXiv:2306.01708</a>):
 *   trim each \( \Delta_t \) to its top-{@code density} entries by magnitude (\( \hat\Delta_t \)); elect
 *   \( \gamma = \mathrm{sign}(\sum_t \hat\Delta_t) \) per entry; average the trimmed entries that agree with
 *   γ: \( \Delta = \lambda \frac{\sum_{t \in A} \hat\Delta_t}{|A|} \), \( A = \{t : \hat\Delta_t \ne 0, \mathrm{sign}(\hat\Delta_t) = \gamma\} \).</li>
 * <li><b>DARE</b> (Yu et al., ICML 2024, <a href="https://arxiv.org/abs/2311.03099">arXiv:2311.03099</a>): drop each
 *   entry with probability {@code p} (seeded) and rescale survivors by \( 1/(1-p) \); then
 *   \( \Delta = \lambda \sum_t \tilde\Delta_t \).</li>
 * <li><b>Breadcrumbs</b> (Davari &amp; Belilovsky, ECCV 2024, <a href="https://arxiv.org/abs/2312.06795">arXiv:2312.06795</a>):
 *   per delta, remove the top-β fraction of magnitudes (outliers) and the bottom-γ fraction (noise); then
 *   \( \Delta = \lambda \sum_t m_t \odot \Delta_t \).</li>
 * <li><b>MagMax</b> (Marczak et al., ECCV 2024, <a href="https://arxiv.org/abs/2407.06322">arXiv:2407.06322</a>):
 *   per entry the value of largest magnitude, \( \Delta_{ij} = \lambda\, \Delta_{t^*, ij} \), \( t^* = \arg\max_t |\Delta_{t,ij}| \).</li>
 * <li><b>Sequential orthogonal projection</b>: \( M_1 = \Delta_1 \); for \( t \ge 2 \), with {@code V} an
 *   orthonormal basis of the row space of \( M_{t-1} \) (the input directions the merged delta already uses),
 *   \( \Delta'_t = \Delta_t - \Delta_t V V^\top \), rescaled to \( \|\Delta_t\|_F \), and
 *   \( M_t = M_{t-1} + \Delta'_t \); \( \Delta = \lambda M_T \). Later deltas cannot change the merged model's
 *   response along earlier deltas' input directions (cf. O-LoRA, Wang et al. 2023).</li>
 * </ul>
 */
public final class DeltaMerging {

    private DeltaMerging() {
    }

    /**
     * Merges the deltas of one layer.
     *
     * @param deltas {@code T >= 1} equally shaped matrices
     * @param method the method
     * @param options hyperparameters
     * @return the merged delta
     */
    public static double[][] merge(List<double[][]> deltas, MergeMethod method, MergeOptions options) {
        if (deltas.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge: no deltas");
        }
        int rows = deltas.get(0).length;
        int cols = deltas.get(0)[0].length;
        for (double[][] d : deltas) {
            if (d.length != rows || d[0].length != cols) {
                throw new IllegalArgumentException("shape mismatch: cannot merge a " + d.length + "x" + d[0].length
                        + " delta with a " + rows + "x" + cols + " delta");
            }
        }
        double lambda = options.effectiveScale(method, deltas.size());
        double[][] out = switch (method) {
            case TASK_ARITHMETIC -> sum(deltas);
            case TIES -> ties(deltas, options.density());
            case DARE -> dare(deltas, options.dropRate(), options.seed());
            case BREADCRUMBS -> breadcrumbs(deltas, options.breadcrumbsTop(), options.breadcrumbsBottom());
            case MAGMAX -> magmax(deltas);
            case ORTHOGONAL_PROJECTION -> orthogonal(deltas);
        };
        scaleInPlace(out, lambda);
        return out;
    }

    static double[][] sum(List<double[][]> deltas) {
        double[][] out = zeros(deltas.get(0));
        for (double[][] d : deltas) {
            for (int i = 0; i < out.length; i++) {
                for (int j = 0; j < out[i].length; j++) {
                    out[i][j] += d[i][j];
                }
            }
        }
        return out;
    }

    static double[][] ties(List<double[][]> deltas, double density) {
        List<double[][]> trimmed = new ArrayList<>();
        for (double[][] d : deltas) {
            trimmed.add(keepTopFraction(d, density));
        }
        double[][] out = zeros(deltas.get(0));
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < out[i].length; j++) {
                double s = 0;
                for (double[][] t : trimmed) {
                    s += t[i][j];
                }
                double sign = Math.signum(s);
                if (sign == 0) {
                    continue;
                }
                double acc = 0;
                int n = 0;
                for (double[][] t : trimmed) {
                    if (t[i][j] != 0 && Math.signum(t[i][j]) == sign) {
                        acc += t[i][j];
                        n++;
                    }
                }
                out[i][j] = n == 0 ? 0 : acc / n;
            }
        }
        return out;
    }

    static double[][] dare(List<double[][]> deltas, double p, long seed) {
        double[][] out = zeros(deltas.get(0));
        double keepScale = 1.0 / (1.0 - p);
        for (int t = 0; t < deltas.size(); t++) {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + t);
            double[][] d = deltas.get(t);
            for (int i = 0; i < out.length; i++) {
                for (int j = 0; j < out[i].length; j++) {
                    if (r.nextDouble() >= p) {
                        out[i][j] += d[i][j] * keepScale;
                    }
                }
            }
        }
        return out;
    }

    static double[][] breadcrumbs(List<double[][]> deltas, double top, double bottom) {
        double[][] out = zeros(deltas.get(0));
        for (double[][] d : deltas) {
            int total = d.length * d[0].length;
            double[] mags = new double[total];
            int k = 0;
            for (double[] row : d) {
                for (double v : row) {
                    mags[k++] = Math.abs(v);
                }
            }
            Arrays.sort(mags);
            int dropLow = (int) Math.floor(bottom * total);
            int dropHigh = (int) Math.floor(top * total);
            // keep entries whose magnitude rank is in [dropLow, total - dropHigh)
            double low = dropLow == 0 ? Double.NEGATIVE_INFINITY : mags[dropLow - 1];
            double high = dropHigh == 0 ? Double.POSITIVE_INFINITY : mags[total - dropHigh];
            for (int i = 0; i < out.length; i++) {
                for (int j = 0; j < out[i].length; j++) {
                    double a = Math.abs(d[i][j]);
                    if (a > low && a < high) {
                        out[i][j] += d[i][j];
                    }
                }
            }
        }
        return out;
    }

    static double[][] magmax(List<double[][]> deltas) {
        double[][] out = zeros(deltas.get(0));
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < out[i].length; j++) {
                double best = 0;
                for (double[][] d : deltas) {
                    if (Math.abs(d[i][j]) > Math.abs(best)) {
                        best = d[i][j];
                    }
                }
                out[i][j] = best;
            }
        }
        return out;
    }

    static double[][] orthogonal(List<double[][]> deltas) {
        double[][] merged = copy(deltas.get(0));
        for (int t = 1; t < deltas.size(); t++) {
            double[][] d = deltas.get(t);
            List<double[]> basis = rowSpaceBasis(merged, 1e-10);
            double[][] proj = copy(d);
            for (double[] row : proj) {
                for (int pass = 0; pass < 2; pass++) {
                    for (double[] v : basis) {
                        double c = dot(row, v);
                        for (int j = 0; j < row.length; j++) {
                            row[j] -= c * v[j];
                        }
                    }
                }
            }
            double before = frobenius(d);
            double after = frobenius(proj);
            if (after > 1e-12 * Math.max(1, before)) {
                scaleInPlace(proj, before / after);
                for (int i = 0; i < merged.length; i++) {
                    for (int j = 0; j < merged[i].length; j++) {
                        merged[i][j] += proj[i][j];
                    }
                }
            }
        }
        return merged;
    }

    /**
     * Orthonormal basis of the row space (modified Gram–Schmidt with re-orthogonalisation).
     *
     * @param m matrix
     * @param relTol rows whose residual norm is below {@code relTol·max row norm} add no direction
     * @return basis vectors of length {@code m[0].length}
     */
    static List<double[]> rowSpaceBasis(double[][] m, double relTol) {
        double maxNorm = 0;
        for (double[] row : m) {
            maxNorm = Math.max(maxNorm, Math.sqrt(dot(row, row)));
        }
        List<double[]> basis = new ArrayList<>();
        if (maxNorm == 0) {
            return basis;
        }
        for (double[] row : m) {
            double[] r = row.clone();
            for (int pass = 0; pass < 2; pass++) {
                for (double[] v : basis) {
                    double c = dot(r, v);
                    for (int j = 0; j < r.length; j++) {
                        r[j] -= c * v[j];
                    }
                }
            }
            double n = Math.sqrt(dot(r, r));
            if (n > relTol * maxNorm * 1e3 && n > 1e-300) {
                for (int j = 0; j < r.length; j++) {
                    r[j] /= n;
                }
                basis.add(r);
            }
        }
        return basis;
    }

    /** Keeps the {@code fraction} largest-magnitude entries (at least one), zeroing the rest. */
    static double[][] keepTopFraction(double[][] d, double fraction) {
        int total = d.length * d[0].length;
        int keep = Math.max(1, (int) Math.ceil(fraction * total));
        double[] mags = new double[total];
        int k = 0;
        for (double[] row : d) {
            for (double v : row) {
                mags[k++] = Math.abs(v);
            }
        }
        Arrays.sort(mags);
        double threshold = mags[total - keep];
        double[][] out = zeros(d);
        int kept = 0;
        for (int i = 0; i < d.length; i++) {
            for (int j = 0; j < d[i].length; j++) {
                if (Math.abs(d[i][j]) >= threshold && kept < keep) {
                    out[i][j] = d[i][j];
                    kept++;
                }
            }
        }
        return out;
    }

    static double frobenius(double[][] m) {
        double s = 0;
        for (double[] row : m) {
            s += dot(row, row);
        }
        return Math.sqrt(s);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double[][] zeros(double[][] like) {
        return new double[like.length][like[0].length];
    }

    static double[][] copy(double[][] m) {
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i].clone();
        }
        return out;
    }

    static void scaleInPlace(double[][] m, double s) {
        for (double[] row : m) {
            for (int j = 0; j < row.length; j++) {
                row[j] *= s;
            }
        }
    }
}
