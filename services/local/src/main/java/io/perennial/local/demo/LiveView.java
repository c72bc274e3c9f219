package io.perennial.local.demo;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The demo's terminal output: event lines scroll, one status line with a progress bar stays at the bottom. On a
 * terminal the status line is redrawn in place; otherwise (logs, CI) it is printed every few seconds.
 */
final class LiveView {

    private final PrintStream out;
    private final boolean terminal = System.console() != null;
    private final long start = System.nanoTime();
    private String status = "";
    private String job = "";
    private long lastPrinted;

    LiveView(PrintStream out) {
        this.out = out;
    }

    synchronized void event(String text) {
        clear();
        out.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - start) / 1e9, text);
        redraw();
    }

    synchronized void progress(long done, long total, String regime, Integer version, Double accuracy) {
        int width = 30;
        int filled = (int) Math.min(width, width * done / Math.max(1, total));
        status = String.format(Locale.ROOT, "[%s%s] %6d samples  %-12s serving %s  accuracy %s",
                "#".repeat(filled), ".".repeat(width - filled), done, regime, version == null ? "-" : "v" + version,
                accuracy == null ? "  -  " : String.format(Locale.ROOT, "%5.1f%%", 100 * accuracy));
        redraw();
    }

    synchronized void job(String segment, long step, long total, double loss) {
        int width = 15;
        int filled = (int) Math.min(width, width * step / Math.max(1, total));
        job = String.format(Locale.ROOT, "  training %s [%s%s] %d/%d loss %.3f", segment, "=".repeat(filled),
                " ".repeat(width - filled), step, total, loss);
        redraw();
    }

    synchronized void done() {
        clear();
        out.println(status);
        status = "";
    }

    private void clear() {
        if (terminal && !status.isEmpty()) {
            out.print("\r\033[2K");
        }
    }

    private void redraw() {
        String line = status + job;
        job = "";
        if (terminal) {
            out.print("\r\033[2K" + line);
            out.flush();
        } else if (System.nanoTime() - lastPrinted > 5_000_000_000L && !line.isEmpty()) {
            lastPrinted = System.nanoTime();
            out.println(line);
        }
    }
}
