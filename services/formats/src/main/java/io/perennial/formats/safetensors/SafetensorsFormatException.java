package io.perennial.formats.safetensors;

import java.io.IOException;

/**
 * Thrown when bytes do not form a valid safetensors file: truncated, oversized or inconsistent.
 *
 * <p>The message always names the problem (and the tensor, where one is involved), so it can be
 * returned to an API caller as-is.
 */
public class SafetensorsFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong with the file
     */
    public SafetensorsFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong with the file
     * @param cause the underlying parse error
     */
    public SafetensorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
