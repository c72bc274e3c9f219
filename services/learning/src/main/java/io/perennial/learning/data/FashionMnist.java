package io.perennial.learning.data;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST (Xiao et al. 2017, <a href="https://arxiv.org/abs/1708.07747">arXiv:1708.07747</a>, MIT
 * licence): 60,000 training and 10,000 test 28×28 grey-scale images of 10 clothing classes, read from
 * the IDX files of Debian's {@code dataset-fashion-mnist} package. Nothing is downloaded.
 *
 * <p>Pixels are scaled to [0, 1]; samples have shape {@code [1, 28, 28]}.
 */
public final class FashionMnist {

    /** Where {@code apt-get install -y dataset-fashion-mnist} puts the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    private static final String[] FILES = {
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"
    };

    private FashionMnist() {
    }

    /**
     * Tells whether all four IDX files exist in a directory.
     *
     * @param dir the directory
     * @return true if present
     */
    public static boolean isAvailable(Path dir) {
        for (String f : FILES) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Loads the training and test sets.
     *
     * @param dir directory with the IDX {@code .gz} files
     * @param maxTrain read at most this many training samples (from the start)
     * @param maxTest read at most this many test samples
     * @return the split
     * @throws DatasetUnavailableException if the files are absent
     * @throws IOException on malformed files
     */
    public static TrainTestSplit load(Path dir, int maxTrain, int maxTest) throws IOException {
        if (!isAvailable(dir)) {
            throw new DatasetUnavailableException("Fashion-MNIST not found in " + dir
                    + " (expected " + String.join(", ", FILES) + "); install it with: apt-get install -y dataset-fashion-mnist");
        }
        LabeledData train = read(dir.resolve(FILES[0]), dir.resolve(FILES[1]), maxTrain);
        LabeledData test = read(dir.resolve(FILES[2]), dir.resolve(FILES[3]), maxTest);
        return new TrainTestSplit("fashion-mnist", train, test);
    }

    /**
     * Reads an IDX image file and its label file.
     *
     * @param images IDX3 ubyte images (optionally gzip-compressed, by {@code .gz} suffix)
     * @param labels IDX1 ubyte labels
     * @param max at most this many samples
     * @return the samples, shape {@code [1, rows, cols]}, 10 classes
     * @throws IOException on malformed files
     */
    public static LabeledData read(Path images, Path labels, int max) throws IOException {
        try (DataInputStream img = open(images); DataInputStream lab = open(labels)) {
            int m1 = img.readInt();
            if (m1 != 0x00000803) {
                throw new IOException(images + ": not an IDX3 ubyte file (magic 0x" + Integer.toHexString(m1) + ")");
            }
            int m2 = lab.readInt();
            if (m2 != 0x00000801) {
                throw new IOException(labels + ": not an IDX1 ubyte file (magic 0x" + Integer.toHexString(m2) + ")");
            }
            int n = img.readInt();
            int rows = img.readInt();
            int cols = img.readInt();
            int nl = lab.readInt();
            if (n != nl) {
                throw new IOException("shape mismatch: " + images + " has " + n + " images but " + labels + " has " + nl + " labels");
            }
            int count = Math.min(n, max);
            int d = rows * cols;
            byte[] pix = new byte[count * d];
            img.readFully(pix);
            byte[] lb = new byte[count];
            lab.readFully(lb);
            float[] f = new float[pix.length];
            for (int i = 0; i < pix.length; i++) {
                f[i] = (pix[i] & 0xff) / 255f;
            }
            int[] l = new int[count];
            for (int i = 0; i < count; i++) {
                l[i] = lb[i] & 0xff;
            }
            return LabeledData.of(f, l, new int[] {1, rows, cols}, 10);
        }
    }

    private static DataInputStream open(Path p) throws IOException {
        InputStream in = Files.newInputStream(p);
        if (p.getFileName().toString().endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
    }
}
