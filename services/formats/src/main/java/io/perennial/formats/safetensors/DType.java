package io.perennial.formats.safetensors;

import java.util.Locale;

/**
 * Element types of the safetensors format, with their size in bytes.
 *
 * <p>The names are the exact strings used in the header's {@code dtype} field
 * (see <a href="https://github.com/huggingface/safetensors">huggingface/safetensors</a>).
 */
public enum DType {
    /** 64-bit IEEE float. */
    F64(8),
    /** 32-bit IEEE float. */
    F32(4),
    /** 16-bit IEEE half float. */
    F16(2),
    /** bfloat16: the upper 16 bits of an IEEE float32. */
    BF16(2),
    /** 8-bit float, 4 exponent and 3 mantissa bits. */
    F8_E4M3(1),
    /** 8-bit float, 5 exponent and 2 mantissa bits. */
    F8_E5M2(1),
    /** Signed 64-bit integer. */
    I64(8),
    /** Signed 32-bit integer. */
    I32(4),
    /** Signed 16-bit integer. */
    I16(2),
    /** Signed 8-bit integer. */
    I8(1),
    /** Unsigned 64-bit integer. */
    U64(8),
    /** Unsigned 32-bit integer. */
    U32(4),
    /** Unsigned 16-bit integer. */
    U16(2),
    /** Unsigned 8-bit integer. */
    U8(1),
    /** Boolean, one byte per element. */
    BOOL(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Returns the size of one element in bytes. */
    public int byteSize() {
        return byteSize;
    }

    /**
     * Parses a header {@code dtype} string.
     *
     * @param name the dtype as written in the header, for example {@code "F32"}
     * @return the element type
     * @throws IllegalArgumentException if the name is not a safetensors dtype
     */
    public static DType parse(String name) {
        try {
            return DType.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown safetensors dtype '" + name + "'", e);
        }
    }
}
