package io.perennial.drift.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** A headless line chart of a statistic over time, with drift points and alarms marked. */
final class Plot {

    record Series(String name, double[] x, double[] y, Color color) {
    }

    private final String title;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private final List<Double> driftPoints = new ArrayList<>();
    private final List<Double> alarms = new ArrayList<>();
    private double threshold = Double.NaN;

    Plot(String title, String yLabel) {
        this.title = title;
        this.yLabel = yLabel;
    }

    Plot series(String name, double[] x, double[] y, Color color) {
        series.add(new Series(name, x, y, color));
        return this;
    }

    Plot drift(double x) {
        driftPoints.add(x);
        return this;
    }

    Plot alarm(double x) {
        alarms.add(x);
        return this;
    }

    Plot threshold(double y) {
        threshold = y;
        return this;
    }

    void write(Path file) throws IOException {
        int w = 1100;
        int h = 420;
        int left = 70;
        int right = 20;
        int top = 40;
        int bottom = 50;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = 1e-9;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                minX = Math.min(minX, s.x()[i]);
                maxX = Math.max(maxX, s.x()[i]);
                if (Double.isFinite(s.y()[i])) {
                    maxY = Math.max(maxY, s.y()[i]);
                }
            }
        }
        if (Double.isFinite(threshold)) {
            maxY = Math.max(maxY, threshold * 1.2);
        }
        if (minX >= maxX) {
            maxX = minX + 1;
        }
        double fx0 = minX;
        double fx1 = maxX;
        double fy1 = maxY * 1.05;
        java.util.function.DoubleUnaryOperator px = x -> left + (x - fx0) / (fx1 - fx0) * (w - left - right);
        java.util.function.DoubleUnaryOperator py = y -> h - bottom - Math.max(0, Math.min(y, fy1)) / fy1
                * (h - top - bottom);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, left, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawRect(left, top, w - left - right, h - top - bottom);
        for (int i = 0; i <= 4; i++) {
            double y = fy1 * i / 4;
            int yy = (int) py.applyAsDouble(y);
            g.drawString(String.format("%.3g", y), 5, yy + 4);
            double x = fx0 + (fx1 - fx0) * i / 4;
            g.drawString(String.format("%.0f", x), (int) px.applyAsDouble(x) - 15, h - bottom + 16);
        }
        g.drawString("samples", w / 2, h - 12);
        g.drawString(yLabel, left + 5, top + 14);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        g.setColor(new Color(0, 140, 0));
        for (double d : driftPoints) {
            int xx = (int) px.applyAsDouble(d);
            g.drawLine(xx, top, xx, h - bottom);
        }
        if (Double.isFinite(threshold)) {
            g.setColor(Color.GRAY);
            int yy = (int) py.applyAsDouble(threshold);
            g.drawLine(left, yy, w - right, yy);
        }
        g.setStroke(new BasicStroke(1.5f));
        int legend = 0;
        for (Series s : series) {
            g.setColor(s.color());
            double step = Double.MAX_VALUE;
            for (int i = 1; i < s.x().length; i++) {
                double dx = s.x()[i] - s.x()[i - 1];
                if (dx > 0) {
                    step = Math.min(step, dx);
                }
            }
            for (int i = 1; i < s.x().length; i++) {
                // no line across a gap (no evaluations while a new reference is collected)
                boolean gap = s.x()[i] - s.x()[i - 1] > 3 * step;
                if (!gap && Double.isFinite(s.y()[i - 1]) && Double.isFinite(s.y()[i])) {
                    g.drawLine((int) px.applyAsDouble(s.x()[i - 1]), (int) py.applyAsDouble(s.y()[i - 1]),
                            (int) px.applyAsDouble(s.x()[i]), (int) py.applyAsDouble(s.y()[i]));
                }
            }
            g.drawString(s.name(), w - right - 200, top + 16 + 14 * legend++);
        }
        g.setColor(Color.RED);
        for (double a : alarms) {
            int xx = (int) px.applyAsDouble(a);
            g.fillPolygon(new int[] {xx - 5, xx + 5, xx}, new int[] {top, top, top + 9}, 3);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString("green dashed: true drift points; red triangles: alarms", left + 5, h - bottom - 6);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }
}
