package io.perennial.contracts;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * Feature vectors as base64 of little-endian IEEE-754 float32 values: the compact alternative to JSON numbers for
 * wide rows (a 784-feature row is 4.2 kB instead of about 7 kB, and decodes without parsing a number per value).
 * NumPy writes the same bytes with {@code base64.b64encode(x.astype('<f4').tobytes())}.
 */
public final class Float32Base64 {

    private Float32Base64() {
    }

    public static String encode(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    /**
     * @throws IllegalArgumentException for invalid base64 or a length that is not a whole number of float32 values
     */
    public static float[] decode(String base64) {
        byte[] bytes = Base64.getDecoder().decode(base64);
        if (bytes.length % Float.BYTES != 0) {
            throw new IllegalArgumentException(bytes.length + " bytes are not a whole number of float32 values");
        }
        float[] values = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }
}
