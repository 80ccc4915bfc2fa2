package dev.neons3backup.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws the benchmark's ratios against their targets as a horizontal bar chart (PNG), with the JDK
 * alone (java.awt headless + ImageIO), so the benchmark needs no plotting package.
 *
 * <p>Usage: {@code RatioChart IN.tsv OUT.png TITLE}; each line of IN is {@code label<TAB>value
 * <TAB>target<TAB>kind}, where kind is {@code max} (met when value ≤ target) or {@code min} (met
 * when value ≥ target). A bar is green when met, red when not; the target is a black tick.
 */
public final class RatioChart {
  private record Bar(String label, double value, double target, boolean atMost) {
    boolean met() {
      return atMost ? value <= target : value >= target;
    }
  }

  private RatioChart() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("java.awt.headless", "true");
    List<Bar> bars = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      String[] f = line.split("\t");
      if (f.length < 4 || f[1].equals("n/a")) {
        continue;
      }
      bars.add(
          new Bar(f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2]), f[3].equals("max")));
    }
    int labelW = 430;
    int plotW = 520;
    int rowH = 34;
    int top = 50;
    int width = labelW + plotW + 40;
    int height = top + rowH * bars.size() + 50;
    double max = 0.01;
    for (Bar b : bars) {
      max = Math.max(max, Math.max(b.value, b.target) * 1.15);
    }
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(args.length > 2 ? args[2] : "ratios vs targets", 10, 25);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int i = 0; i < bars.size(); i++) {
      Bar b = bars.get(i);
      int y = top + i * rowH;
      int w = (int) Math.round(plotW * b.value / max);
      g.setColor(b.met() ? new Color(0x4caf50) : new Color(0xe53935));
      g.fillRect(labelW, y + 6, Math.max(1, w), rowH - 12);
      g.setColor(Color.BLACK);
      g.drawString(b.label, 10, y + rowH / 2 + 4);
      g.drawString(String.format("%.2f", b.value), labelW + w + 6, y + rowH / 2 + 4);
      int tx = labelW + (int) Math.round(plotW * b.target / max);
      g.setStroke(new BasicStroke(3));
      g.drawLine(tx, y + 2, tx, y + rowH - 2);
      g.setStroke(new BasicStroke(1));
      g.drawString((b.atMost ? "≤ " : "≥ ") + b.target, tx + 4, y + 12);
    }
    int axisY = top + rowH * bars.size() + 5;
    g.setColor(Color.GRAY);
    g.drawLine(labelW, axisY, labelW + plotW, axisY);
    for (double v = 0; v <= max; v += max > 4 ? 1 : 0.25) {
      int x = labelW + (int) Math.round(plotW * v / max);
      g.drawLine(x, axisY, x, axisY + 4);
      g.drawString(String.format("%.2f", v), x - 12, axisY + 18);
    }
    g.drawString("green: target met, red: not met; black tick: target", labelW, axisY + 38);
    g.dispose();
    ImageIO.write(img, "png", new File(args[1]));
  }
}
