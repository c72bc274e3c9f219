package io.perennial.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/** Generated secrets of a local installation, kept under {@code $PERENNIAL_HOME/secrets} readable by the owner only. */
final class Secrets {

    private static final char[] ALPHABET =
            "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** A random password of {@code length} unambiguous characters. */
    static String generate(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(out);
    }

    /** The secret stored under {@code name}, generated and stored on first use. */
    static String loadOrCreate(Path dir, String name, int length) {
        Path file = dir.resolve(name);
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            Files.createDirectories(dir);
            String secret = generate(length);
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
            restrict(file);
            return secret;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot store secret " + file, ex);
        }
    }

    static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // Not a POSIX file system: the directory's own permissions apply.
        }
    }
}
