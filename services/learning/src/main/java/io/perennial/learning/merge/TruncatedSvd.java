package io.perennial.learning.merge;

/**
 * Truncated singular value decomposition of a small dense matrix, for re-factorising a merged delta into
 * a rank-r LoRA adapter.
 *
 * <p>For \( M \in \mathbb{R}^{m×n} \) it diagonalises the smaller Gram matrix (\( MM^\top \) if
 * {@code m <= n}) with the cyclic Jacobi eigenvalue method, takes the top-r eigenpairs
 * \( (\sigma_i^2, u_i) \), and sets \( v_i = M^\top u_i / \sigma_i \); then \( M_r = \sum_{i<r} \sigma_i u_i v_i^\top \)
 * is the best rank-r approximation (Eckart–Young).
 *
 * @param u left singular vectors, {@code [m][r]}
 * @param sigma singular values, descending, {@code [r]}
 * @param v right singular vectors, {@code [n][r]}
 */
public record TruncatedSvd(double[][] u, double[] sigma, double[][] v) {

    /**
     * Computes the top-r singular triplets.
     *
     * @param m matrix
     * @param r rank, at most {@code min(rows, cols)}
     * @return the decomposition
     */
    public static TruncatedSvd of(double[][] m, int r) {
        int rows = m.length;
        int cols = m[0].length;
        if (r < 1 || r > Math.min(rows, cols)) {
            throw new IllegalArgumentException("rank " + r + " is larger than the " + rows + "x" + cols + " matrix allows");
        }
        boolean wide = rows <= cols;
        double[][] a = wide ? m : transpose(m);
        int k = a.length;
        int n = a[0].length;
        double[][] g = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = i; j < k; j++) {
                double s = 0;
                for (int t = 0; t < n; t++) {
                    s += a[i][t] * a[j][t];
                }
                g[i][j] = s;
                g[j][i] = s;
            }
        }
        double[][] vecs = new double[k][k];
        double[] vals = jacobiEigen(g, vecs);
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(vals[y], vals[x]));
        double[][] left = new double[k][r];
        double[][] right = new double[n][r];
        double[] sig = new double[r];
        for (int c = 0; c < r; c++) {
            int e = order[c];
            double s = Math.sqrt(Math.max(0, vals[e]));
            sig[c] = s;
            for (int i = 0; i < k; i++) {
                left[i][c] = vecs[i][e];
            }
            for (int t = 0; t < n; t++) {
                double acc = 0;
                for (int i = 0; i < k; i++) {
                    acc += a[i][t] * vecs[i][e];
                }
                right[t][c] = s > 1e-300 ? acc / s : 0;
            }
        }
        return wide ? new TruncatedSvd(left, sig, right) : new TruncatedSvd(right, sig, left);
    }

    /** Returns {@code Σ_i σ_i u_i v_iᵀ}. */
    public double[][] reconstruct() {
        int m = u.length;
        int n = v.length;
        double[][] out = new double[m][n];
        for (int c = 0; c < sigma.length; c++) {
            for (int i = 0; i < m; i++) {
                double us = u[i][c] * sigma[c];
                for (int j = 0; j < n; j++) {
                    out[i][j] += us * v[j][c];
                }
            }
        }
        return out;
    }

    /**
     * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations.
     *
     * @param s symmetric matrix (destroyed)
     * @param vectors output, eigenvectors in columns
     * @return eigenvalues
     */
    static double[] jacobiEigen(double[][] s, double[][] vectors) {
        int n = s.length;
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(vectors[i], 0);
            vectors[i][i] = 1;
        }
        double total = 0;
        for (double[] row : s) {
            for (double x : row) {
                total += x * x;
            }
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += s[p][q] * s[p][q];
                }
            }
            if (off <= 1e-30 * Math.max(total, 1e-300)) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = s[p][q];
                    if (Math.abs(apq) < 1e-300) {
                        continue;
                    }
                    double theta = (s[q][q] - s[p][p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double sn = t * c;
                    for (int k = 0; k < n; k++) {
                        double skp = s[k][p];
                        double skq = s[k][q];
                        s[k][p] = c * skp - sn * skq;
                        s[k][q] = sn * skp + c * skq;
                    }
                    for (int k = 0; k < n; k++) {
                        double spk = s[p][k];
                        double sqk = s[q][k];
                        s[p][k] = c * spk - sn * sqk;
                        s[q][k] = sn * spk + c * sqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = vectors[k][p];
                        double vkq = vectors[k][q];
                        vectors[k][p] = c * vkp - sn * vkq;
                        vectors[k][q] = sn * vkp + c * vkq;
                    }
                }
            }
        }
        double[] vals = new double[n];
        for (int i = 0; i < n; i++) {
            vals[i] = s[i][i];
        }
        return vals;
    }

    static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                t[j][i] = m[i][j];
            }
        }
        return t;
    }
}
