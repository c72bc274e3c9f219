package io.perennial.console.chart;

import java.util.Locale;

/** Small helpers shared by the charts: escaping and number formatting. */
public final class Svg {

    private Svg() {
    }

    /** Escapes text for an SVG/HTML text node or a double-quoted attribute. */
    public static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A coordinate with one decimal, locale independent. */
    static String n(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** A value for a label: compact, with precision that fits its size. */
    public static String label(double v) {
        double a = Math.abs(v);
        if (v == 0) {
            return "0";
        }
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (a >= 1e4) {
            return String.format(Locale.ROOT, "%.0fk", v / 1e3);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v).replaceAll("\\.?0+$", "");
        }
        if (a >= 0.001) {
            return String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "");
        }
        return String.format(Locale.ROOT, "%.1e", v);
    }

    /** About {@code count} round tick values covering {@code [min, max]}. */
    static double[] ticks(double min, double max, int count) {
        if (!(max > min)) {
            return new double[] {min};
        }
        double raw = (max - min) / Math.max(1, count);
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            step = m * magnitude;
            if (step >= raw) {
                break;
            }
        }
        double first = Math.ceil(min / step - 1e-9) * step;
        int n = (int) Math.floor((max - first) / step + 1e-9) + 1;
        double[] out = new double[Math.max(n, 1)];
        for (int i = 0; i < out.length; i++) {
            out[i] = first + i * step;
        }
        return out;
    }
}
