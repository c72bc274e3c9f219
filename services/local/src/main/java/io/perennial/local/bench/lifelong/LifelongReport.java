package io.perennial.local.bench.lifelong;

import io.perennial.local.bench.lifelong.LifelongResult.ActiveSet;
import io.perennial.local.bench.lifelong.LifelongResult.AlarmRow;
import io.perennial.local.bench.lifelong.LifelongResult.StretchRow;
import io.perennial.local.demo.DemoReport;
import io.perennial.local.demo.DemoResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
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

/**
 * The lifelong benchmark's tables (printed and in {@code results.md}), raw results ({@code results.json}) and one
 * timeline per data set ({@code timeline-<dataset>.png}: accuracy against the oracle and the frozen base, alarms and
 * promotions, and below it the active and archived adapters against the bound).
 */
final class LifelongReport {

    private static final int STRIP = 150;

    private LifelongReport() {
    }

    static void write(List<LifelongResult> results, boolean quick, double seconds, Path dir, PrintStream console)
            throws IOException {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "# Lifelong benchmark%s%n%nCommand: `./perennial bench lifelong%s`, "
                + "%.0f s in all.%n", quick ? " (quick)" : "", quick ? " --quick" : "", seconds));
        for (LifelongResult r : results) {
            md.append(section(r));
            Path png = dir.resolve("timeline-" + slug(r.dataset()) + ".png");
            ImageIO.write(timeline(r), "png", png.toFile());
            md.append(String.format(Locale.ROOT, "%nTimeline: `%s`%n", png.getFileName()));
        }
        Files.writeString(dir.resolve("results.md"), md);
        JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build()
                .writeValue(dir.resolve("results.json").toFile(), results);
        console.println();
        console.print(md);
        console.println();
        console.println("Written to " + dir.toAbsolutePath());
    }

    private static String section(LifelongResult r) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%n## %s: %d stretches, %.0f s%n%n", r.dataset(), r.stretches().size(),
                r.run().seconds()));
        md.append("| stretch | expected | alarms | decisions | version | alarm → serving | before | after | frozen base "
                + "| oracle |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (StretchRow s : r.stretches()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s |%n", s.name(),
                    s.kind().name().toLowerCase(Locale.ROOT), s.alarms(),
                    s.decisions().isEmpty() ? "–" : String.join(", ", s.decisions()),
                    s.version() == null ? "–" : "v" + s.version(), DemoReport.secs(s.secondsToServe()),
                    DemoReport.pct(s.before()), DemoReport.pct(s.after()), DemoReport.pct(s.frozen()),
                    DemoReport.pct(s.oracle())));
        }
        md.append("\n| t | stretch | alarm | decision | state | reason |\n|---|---|---|---|---|---|\n");
        for (AlarmRow a : r.alarms()) {
            md.append(String.format(Locale.ROOT, "| %.1f s | %s | %s | %s | %s | %s |%n", a.t(), a.stretch(),
                    a.detector().replace('|', '/'), a.decision() == null ? "(none recorded)" : a.decision(),
                    a.state() == null ? "" : a.state(), a.reason() == null ? "" : a.reason().replace('|', '/')));
        }
        long refusals = r.run().regimes().stream().flatMap(g -> g.attempts().stream())
                .filter(a -> a.contains("BLOCKED")).count();
        double gap = 100 * (r.servingAverage() - r.oracleAverage());
        double falsePer100k = r.stableSamples() == 0 ? 0 : r.falseAlarms() * 100_000.0 / r.stableSamples();
        md.append("\n| target | measured | met? |\n|---|---|---|\n");
        md.append(row("time-averaged accuracy within 2 points of the per-regime oracle", String.format(Locale.ROOT,
                "%.1f%% vs %.1f%% (%+.1f points; frozen base %.1f%%)", 100 * r.servingAverage(),
                100 * r.oracleAverage(), gap, 100 * r.frozenAverage()), gap >= -2));
        md.append(row("0 stuck regimes", r.stuck() + " stretch(es) never answered", r.stuck() == 0));
        md.append(row("active adapters ≤ maxAdapters at every moment", "peak " + r.peakActive() + ", bound "
                + r.maxAdapters(), r.peakActive() <= r.maxAdapters()));
        md.append(row("0 new-regime answers that gained < 1 point", String.valueOf(r.adaptersGainingUnderOnePoint()),
                r.adaptersGainingUnderOnePoint() == 0));
        md.append(row("≤ 1 false alarm per 100k samples on stable stretches", String.format(Locale.ROOT,
                "%d alarm(s) in %d stable samples (%.0f per 100k)", r.falseAlarms(), r.stableSamples(), falsePer100k),
                falsePer100k <= 1));
        md.append(String.format(Locale.ROOT, "%nGate refusals: %d. Unanswered stretches:%s%n", refusals,
                r.run().unadapted().isEmpty() ? " none" : ""));
        for (DemoResult.RegimeResult u : r.run().unadapted()) {
            md.append("- ").append(u.name()).append(": ").append(u.attempts().isEmpty() ? "nothing was tried"
                    : String.join("; ", u.attempts())).append('\n');
        }
        return md.toString();
    }

    private static String row(String target, String measured, boolean met) {
        return "| " + target + " | " + measured + " | " + (met ? "yes" : "**no**") + " |\n";
    }

    /** The demo's accuracy chart with each stretch's oracle, and a strip of the active set below it. */
    static BufferedImage timeline(LifelongResult r) {
        BufferedImage top = DemoReport.chart(r.run(), "Lifelong benchmark: serving accuracy on the current stretch's "
                + "held-out samples (" + r.dataset() + ")");
        DemoReport.Frame f = DemoReport.frame(r.run());
        BufferedImage img = new BufferedImage(f.width(), f.height() + STRIP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.drawImage(top, 0, 0, null);
        // The oracle of each stretch, dashed, over the stretch.
        g.setColor(new Color(200, 120, 0));
        g.setStroke(new BasicStroke(1.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        for (int i = 0; i < r.stretches().size(); i++) {
            double from = r.run().regimes().get(i).start();
            double to = i + 1 < r.run().regimes().size() ? r.run().regimes().get(i + 1).start() : f.tMax();
            int y = f.y(r.stretches().get(i).oracle());
            g.drawLine(f.x(from), y, f.x(to), y);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("- - per-regime oracle", f.left() + 700, f.height() - 17);
        // The active set, a step line, with the bound.
        int base = f.height() + STRIP - 30;
        int span = STRIP - 50;
        int max = Math.max(r.maxAdapters() + 1, r.peakActive() + 1);
        g.setColor(Color.WHITE);
        g.fillRect(0, f.height(), f.width(), STRIP);
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(f.left(), base - span, f.plotWidth(), span);
        g.drawString("adapters", 8, base - span / 2);
        for (int k = 0; k <= max; k += Math.max(1, max / 4)) {
            g.drawString(String.valueOf(k), f.left() - 16, base - span * k / max + 4);
        }
        g.setColor(new Color(210, 50, 50));
        int bound = base - span * r.maxAdapters() / max;
        g.drawLine(f.left(), bound, f.left() + f.plotWidth(), bound);
        g.drawString("maxAdapters", f.left() + f.plotWidth() - 80, bound - 3);
        step(g, r.activeAdapters(), f, base, span, max, true, new Color(30, 90, 200));
        step(g, r.activeAdapters(), f, base, span, max, false, new Color(150, 150, 150));
        g.setColor(Color.DARK_GRAY);
        g.drawString("active (blue) and archived (grey) adapters of the production version", f.left(),
                base + 20);
        g.dispose();
        return img;
    }

    private static void step(Graphics2D g, List<ActiveSet> sets, DemoReport.Frame f, int base, int span, int max,
            boolean active, Color color) {
        g.setColor(color);
        g.setStroke(new BasicStroke(2.2f));
        int x = f.left();
        int y = base;
        for (ActiveSet s : sets) {
            int nx = f.x(s.t());
            int ny = base - span * (active ? s.active() : s.archived()) / max;
            g.drawLine(x, y, nx, y);
            g.drawLine(nx, y, nx, ny);
            x = nx;
            y = ny;
        }
        g.drawLine(x, y, f.left() + f.plotWidth(), y);
    }


    private static String slug(String dataset) {
        return dataset.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
