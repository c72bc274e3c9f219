package io.perennial.learning.bench;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

/** Renders accuracy matrices as a PNG grid of heatmaps (headless java.awt). */
public final class Heatmaps {

    private static final int CELL = 46;
    private static final int PAD = 34;

    private Heatmaps() {
    }

    /**
     * Writes one heatmap per method side by side.
     *
     * @param title figure title
     * @param segmentNames column labels
     * @param methods titles
     * @param matrices one {@code R} per method (rows = versions)
     * @param file output PNG
     * @throws IOException on write errors
     */
    public static void write(String title, List<String> segmentNames, List<String> methods, List<double[][]> matrices, Path file)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        int t = segmentNames.size();
        int panelW = PAD + t * CELL + 12;
        int panelH = PAD + t * CELL + 30;
        int cols = Math.min(3, methods.size());
        int rows = (methods.size() + cols - 1) / cols;
        BufferedImage img = new BufferedImage(cols * panelW + 10, rows * panelH + 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title + "  (R[i][j]: accuracy of version i on segment j)", 10, 20);
        for (int m = 0; m < methods.size(); m++) {
            int ox = 5 + (m % cols) * panelW;
            int oy = 40 + (m / cols) * panelH;
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
            g.drawString(methods.get(m), ox + PAD, oy + 12);
            double[][] r = matrices.get(m);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            for (int j = 0; j < t; j++) {
                g.setColor(Color.DARK_GRAY);
                g.drawString(shorten(segmentNames.get(j)), ox + PAD + j * CELL + 4, oy + PAD - 6);
            }
            for (int i = 0; i < r.length; i++) {
                g.setColor(Color.DARK_GRAY);
                g.drawString("v" + i, ox + 8, oy + PAD + i * CELL + CELL / 2 + 4);
                for (int j = 0; j < t; j++) {
                    double v = r[i][j];
                    g.setColor(color(v));
                    g.fillRect(ox + PAD + j * CELL, oy + PAD + i * CELL, CELL - 2, CELL - 2);
                    g.setColor(v > 0.55 ? Color.BLACK : Color.WHITE);
                    g.drawString(String.format("%.1f", 100 * v), ox + PAD + j * CELL + 8, oy + PAD + i * CELL + CELL / 2 + 4);
                }
            }
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static String shorten(String s) {
        return s.length() > 7 ? s.substring(0, 7) : s;
    }

    /** Maps [0, 1] to a blue (low) → yellow (high) ramp. */
    static Color color(double v) {
        double x = Math.max(0, Math.min(1, v));
        int r = (int) (40 + 215 * x);
        int gg = (int) (40 + 190 * x);
        int b = (int) (140 - 100 * x);
        return new Color(r, gg, Math.max(0, b));
    }
}
