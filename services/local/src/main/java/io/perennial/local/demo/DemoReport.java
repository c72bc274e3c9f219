package io.perennial.local.demo;

import io.perennial.local.demo.DemoResult.Breakdown;
import io.perennial.local.demo.DemoResult.Event;
import io.perennial.local.demo.DemoResult.Point;
import io.perennial.local.demo.DemoResult.RegimeResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The demo's final table, the accuracy-over-time chart (PNG) and the raw results (JSON). */
public final class DemoReport {

    private DemoReport() {
    }

    /** Prints the tables and writes {@code accuracy.png} and {@code result.json} into {@code dir}. */
    public static void write(DemoResult r, Path dir, PrintStream out) throws IOException {
        Files.createDirectories(dir);
        out.println();
        out.printf(Locale.ROOT, "Perennial demo on %s, stream '%s', %.0f s%n", r.dataset(), r.stream(), r.seconds());
        if (r.note() != null) {
            out.println("Note: " + r.note());
        }
        out.println();
        out.println("| regime | accuracy before adaptation | after adaptation | frozen base (never adapted) "
                + "| first shifted sample → alarm | → adapter serving | version |");
        out.println("|---|---|---|---|---|---|---|");
        for (RegimeResult g : r.regimes()) {
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", g.name(), pct(g.accuracyBefore()),
                    pct(g.accuracyAfter()), pct(g.frozenAccuracy()), secs(g.secondsToAlarm()),
                    secs(g.secondsToPromotion()), g.version() == null ? "–" : "v" + g.version());
        }
        if (!r.breakdowns().isEmpty()) {
            out.println();
            out.println("| regime | detection | waiting for samples | job (read, train, evaluate, register) "
                    + "| promotion | time to adapt |");
            out.println("|---|---|---|---|---|---|");
            for (Breakdown b : r.breakdowns()) {
                Double total = b.detection() == null || b.waiting() == null || b.training() == null
                        || b.promotion() == null ? null : b.detection() + b.waiting() + b.training() + b.promotion();
                out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", b.regime(), secs(b.detection()),
                        secs(b.waiting()), secs(b.training()), secs(b.promotion()), secs(total));
            }
        }
        if (!r.matrix().isEmpty()) {
            out.println();
            out.println("Accuracy matrix (registry; rows: versions, columns: segment probes)");
            StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-8s", "version"));
            r.matrixSegments().forEach(s -> head.append(String.format(Locale.ROOT, " %8s", s)));
            out.println(head);
            for (int i = 0; i < r.matrix().size(); i++) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-8s", "v" + r.matrixVersions().get(i)));
                for (Double v : r.matrix().get(i)) {
                    row.append(String.format(Locale.ROOT, " %8s", v == null ? "·" : String.format(Locale.ROOT, "%.1f%%", 100 * v)));
                }
                out.println(row);
            }
        }
        Path png = dir.resolve("accuracy.png");
        ImageIO.write(chart(r), "png", png.toFile());
        Path json = dir.resolve("result.json");
        JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValue(json.toFile(), r);
        out.println();
        out.println("Chart: " + png.toAbsolutePath());
        out.println("Data:  " + json.toAbsolutePath());
    }

    /** An accuracy as a percentage with one decimal, or a dash. */
    public static String pct(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    /** Seconds with one decimal, or a dash. */
    public static String secs(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.1f s", v);
    }

    /**
     * Where the chart's plot area lies, so other reports can draw on it.
     *
     * @param tMax seconds at the right edge
     */
    public record Frame(int width, int height, int left, int top, int plotWidth, int plotHeight, double tMax) {

        /** Pixel column of a time in seconds. */
        public int x(double t) {
            return left + (int) (plotWidth * Math.max(0, t) / tMax);
        }

        /** Pixel row of an accuracy in [0, 1]. */
        public int y(double accuracy) {
            return top + plotHeight - (int) (plotHeight * accuracy);
        }
    }

    /** The frame {@link #chart} draws in for this result. */
    public static Frame frame(DemoResult r) {
        int w = 1100;
        int h = 520;
        int left = 70;
        int top = 50;
        return new Frame(w, h, left, top, w - left - 30, h - top - 70, Math.max(1, r.seconds()));
    }

    /** Accuracy over time: serving (blue) and frozen base (grey), alarms (red) and promotions (green). */
    public static BufferedImage chart(DemoResult r) {
        return chart(r, "Perennial demo: accuracy on the current regime's held-out samples (" + r.dataset() + ")");
    }

    /** The same chart under another title. */
    public static BufferedImage chart(DemoResult r, String title) {
        Frame f = frame(r);
        int w = f.width();
        int h = f.height();
        int left = f.left();
        int top = f.top();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double tMax = f.tMax();
        int pw = f.plotWidth();
        int ph = f.plotHeight();
        // Regime bands.
        Color[] bands = {new Color(245, 247, 250), new Color(235, 240, 247)};
        for (int i = 0; i < r.regimes().size(); i++) {
            double from = r.regimes().get(i).start();
            double to = i + 1 < r.regimes().size() ? r.regimes().get(i + 1).start() : tMax;
            int x0 = left + (int) (pw * from / tMax);
            int x1 = left + (int) (pw * to / tMax);
            g.setColor(bands[i % 2]);
            g.fillRect(x0, top, x1 - x0, ph);
            g.setColor(new Color(90, 90, 90));
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(r.regimes().get(i).name(), x0 + 4, top + 14);
        }
        // Axes and grid.
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int p = 0; p <= 100; p += 20) {
            int y = top + ph - ph * p / 100;
            g.setColor(new Color(220, 220, 220));
            g.drawLine(left, y, left + pw, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(p + "%", left - 36, y + 4);
        }
        int step = tMax > 300 ? 60 : (tMax > 120 ? 30 : 10);
        for (int t = 0; t <= tMax; t += step) {
            int x = left + (int) (pw * t / tMax);
            g.drawString(t + " s", x - 8, top + ph + 16);
        }
        g.drawRect(left, top, pw, ph);
        // Events.
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {5, 4}, 0));
        for (Event e : r.events()) {
            if (e.kind().equals("alarm") || e.kind().equals("promotion") || e.kind().equals("upkeep")) {
                int x = left + (int) (pw * Math.max(0, e.t()) / tMax);
                g.setColor(e.kind().equals("alarm") ? new Color(210, 50, 50)
                        : e.kind().equals("promotion") ? new Color(30, 150, 70) : new Color(140, 100, 180));
                g.drawLine(x, top, x, top + ph);
                if (e.kind().equals("promotion") && e.version() != null) {
                    g.drawString("v" + e.version(), x + 3, top + ph - 6);
                }
            }
        }
        // Series.
        g.setStroke(new BasicStroke(2.2f));
        series(g, r.points(), true, new Color(150, 150, 150), left, top, pw, ph, tMax);
        series(g, r.points(), false, new Color(30, 90, 200), left, top, pw, ph, tMax);
        // Title and legend.
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, left, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int ly = h - 22;
        legend(g, left, ly, new Color(30, 90, 200), "serving version");
        legend(g, left + 170, ly, new Color(150, 150, 150), "frozen base (never adapted)");
        legend(g, left + 400, ly, new Color(210, 50, 50), "drift alarm");
        legend(g, left + 530, ly, new Color(30, 150, 70), "promotion");
        if (r.events().stream().anyMatch(e -> e.kind().equals("upkeep"))) {
            legend(g, left + 650, ly, new Color(140, 100, 180), "archive / merge");
        }
        g.dispose();
        return img;
    }

    private static void series(Graphics2D g, List<Point> points, boolean frozen, Color color, int left, int top,
            int pw, int ph, double tMax) {
        Path2D path = new Path2D.Double();
        boolean started = false;
        for (Point p : points) {
            Double v = frozen ? p.frozenAccuracy() : p.accuracy();
            if (v == null) {
                started = false;
                continue;
            }
            double x = left + pw * p.t() / tMax;
            double y = top + ph - ph * v;
            if (started) {
                path.lineTo(x, y);
            } else {
                path.moveTo(x, y);
                started = true;
            }
        }
        g.setColor(color);
        g.draw(path);
    }

    private static void legend(Graphics2D g, int x, int y, Color c, String text) {
        g.setColor(c);
        g.fillRect(x, y - 9, 18, 4);
        g.setColor(Color.DARK_GRAY);
        g.drawString(text, x + 24, y - 4);
    }
}
