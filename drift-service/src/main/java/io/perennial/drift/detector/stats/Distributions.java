package io.perennial.drift.detector.stats;

/**
 * Survival functions used for p-values. Accuracy is about 1e-10 relative, well beyond what a drift decision needs.
 */
public final class Distributions {

    private static final double[] LANCZOS = {57.1562356658629235, -59.5979603554754912, 14.1360979747417471,
        -0.491913816097620199, .339946499848118887e-4, .465236289270485756e-4, -.983744753048795646e-4,
        .158088703224912494e-3, -.210264441724104883e-3, .217439618115212643e-3, -.164318106536763890e-3,
        .844182239838527433e-4, -.261908384015814087e-4, .368991826595316234e-5};

    private Distributions() {
    }

    /**
     * The Kolmogorov distribution's survival function \( Q(\lambda) = 2\sum_{k\ge1} (-1)^{k-1} e^{-2k^2\lambda^2} \),
     * the limit of \( P(\sqrt{n} D_n > \lambda) \). For small \( \lambda \) the equivalent Jacobi-theta form
     * \( 1 - \frac{\sqrt{2\pi}}{\lambda}\sum_{k\ge1} e^{-(2k-1)^2\pi^2/(8\lambda^2)} \) converges faster.
     */
    public static double kolmogorovSurvival(double lambda) {
        if (Double.isNaN(lambda)) {
            return Double.NaN;
        }
        if (lambda <= 0) {
            return 1.0;
        }
        if (lambda < 1.0) {
            double cdf = 0;
            double c = Math.PI * Math.PI / (8 * lambda * lambda);
            for (int k = 1; k <= 20; k++) {
                double term = Math.exp(-(2 * k - 1) * (2 * k - 1) * c);
                cdf += term;
                if (term < 1e-17) {
                    break;
                }
            }
            return clamp(1 - Math.sqrt(2 * Math.PI) / lambda * cdf);
        }
        double sum = 0;
        double sign = 1;
        for (int k = 1; k <= 100; k++) {
            double term = Math.exp(-2.0 * k * k * lambda * lambda);
            sum += sign * term;
            if (term < 1e-17) {
                break;
            }
            sign = -sign;
        }
        return clamp(2 * sum);
    }

    /**
     * The p-value of a two-sample Kolmogorov–Smirnov statistic {@code d} for sample sizes {@code n} and {@code m},
     * with Stephens' small-sample correction \( \lambda = (\sqrt{n_e} + 0.12 + 0.11/\sqrt{n_e})\,D \),
     * \( n_e = nm/(n+m) \) (Stephens 1970; Numerical Recipes §14.3).
     */
    public static double ksTwoSamplePValue(double d, int n, int m) {
        if (n <= 0 || m <= 0 || Double.isNaN(d)) {
            return Double.NaN;
        }
        double en = Math.sqrt((double) n * m / ((double) n + m));
        return kolmogorovSurvival((en + 0.12 + 0.11 / en) * d);
    }

    /** Survival function of the chi-square distribution with {@code k} degrees of freedom. */
    public static double chiSquareSurvival(double x, double k) {
        if (Double.isNaN(x) || k <= 0) {
            return Double.NaN;
        }
        if (x <= 0) {
            return 1.0;
        }
        return regularizedGammaQ(k / 2, x / 2);
    }

    /**
     * Survival function of Snedecor's F distribution with {@code d1} and {@code d2} degrees of freedom:
     * \( P(F > f) = I_{d_2/(d_2 + d_1 f)}(d_2/2, d_1/2) \).
     */
    public static double fSurvival(double f, double d1, double d2) {
        if (Double.isNaN(f) || d1 <= 0 || d2 <= 0) {
            return Double.NaN;
        }
        if (f <= 0) {
            return 1.0;
        }
        return regularizedBeta(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
    }

    /**
     * The regularized incomplete beta function \( I_x(a, b) \), by Lentz's continued fraction on whichever of
     * \( x \) and \( 1 - x \) converges fast (Numerical Recipes 3rd ed. §6.4).
     */
    public static double regularizedBeta(double x, double a, double b) {
        if (Double.isNaN(x) || a <= 0 || b <= 0) {
            return Double.NaN;
        }
        if (x <= 0) {
            return 0.0;
        }
        if (x >= 1) {
            return 1.0;
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
        if (x < (a + 1) / (a + b + 2)) {
            return clamp(front * betaContinuedFraction(x, a, b) / a);
        }
        return clamp(1 - front * betaContinuedFraction(1 - x, b, a) / b);
    }

    private static double betaContinuedFraction(double x, double a, double b) {
        double tiny = 1e-300;
        double qab = a + b;
        double qap = a + 1;
        double qam = a - 1;
        double c = 1;
        double d = 1 - qab * x / qap;
        d = Math.abs(d) < tiny ? tiny : d;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 10_000; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-15) {
                break;
            }
        }
        return h;
    }

    /** Survival function of the standard normal distribution. */
    public static double normalSurvival(double z) {
        return 0.5 * erfc(z / Math.sqrt(2));
    }

    /** \( \ln\Gamma(x) \) for \( x > 0 \) (Lanczos with 14 terms, Numerical Recipes 3rd ed. §6.1). */
    public static double logGamma(double xx) {
        double x = xx;
        double y = xx;
        double tmp = x + 5.24218750000000000;
        tmp = (x + 0.5) * Math.log(tmp) - tmp;
        double ser = 0.999999999999997092;
        for (double c : LANCZOS) {
            ser += c / ++y;
        }
        return tmp + Math.log(2.5066282746310005 * ser / x);
    }

    /** The regularized upper incomplete gamma function \( Q(a, x) = \Gamma(a, x)/\Gamma(a) \). */
    public static double regularizedGammaQ(double a, double x) {
        if (x < a + 1) {
            return clamp(1 - gammaSeries(a, x));
        }
        return clamp(gammaContinuedFraction(a, x));
    }

    private static double gammaSeries(double a, double x) {
        double ap = a;
        double sum = 1.0 / a;
        double del = sum;
        for (int n = 0; n < 10_000; n++) {
            ap += 1;
            del *= x / ap;
            sum += del;
            if (Math.abs(del) < Math.abs(sum) * 1e-15) {
                break;
            }
        }
        return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
    }

    private static double gammaContinuedFraction(double a, double x) {
        double tiny = 1e-300;
        double b = x + 1 - a;
        double c = 1 / tiny;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 10_000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < tiny) {
                d = tiny;
            }
            c = b + an / c;
            if (Math.abs(c) < tiny) {
                c = tiny;
            }
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-15) {
                break;
            }
        }
        return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
    }

    /** Complementary error function (Numerical Recipes' Chebyshev fit, relative error below 1.2e-7). */
    public static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    private static double clamp(double p) {
        return p < 0 ? 0 : p > 1 ? 1 : p;
    }
}
