package io.perennial.contracts;

import java.util.regex.Pattern;

/**
 * Rules for stream names. A stream name becomes part of Kafka topic names and URL paths, so it is restricted to
 * lower-case letters, digits, {@code -} and {@code _}, starts with a letter or digit, and is at most 100 characters
 * (Kafka's limit is 249 for the whole topic name).
 */
public final class StreamName {

    /** The pattern a stream name must match. */
    public static final String REGEX = "[a-z0-9][a-z0-9_-]{0,99}";

    private static final Pattern PATTERN = Pattern.compile(REGEX);

    private StreamName() {
    }

    /** Whether {@code name} is a valid stream name. */
    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }

    /**
     * Returns {@code name} when it is valid.
     *
     * @throws IllegalArgumentException naming the rule that was broken
     */
    public static String require(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException("invalid stream name " + quoteSafely(name)
                    + ": use 1-100 characters of a-z, 0-9, '-' and '_', starting with a letter or digit");
        }
        return name;
    }

    /** Quotes a user-supplied name for an error message without echoing control characters. */
    static String quoteSafely(String name) {
        if (name == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("'");
        name.codePoints().limit(120).forEach(cp -> {
            if (Character.isISOControl(cp)) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append(name.length() > 120 ? "…'" : "'").toString();
    }
}
