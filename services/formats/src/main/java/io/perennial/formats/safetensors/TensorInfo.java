package io.perennial.formats.safetensors;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor entry of a safetensors header: name, dtype, shape and byte range in the data buffer.
 *
 * <p>Offsets are relative to the start of the data buffer (the first byte after the header), with
 * {@code end} exclusive, exactly as in the header's {@code data_offsets} field.
 *
 * @param name tensor name
 * @param dtype element type
 * @param shape dimensions, empty for a scalar
 * @param begin first byte in the data buffer
 * @param end one past the last byte in the data buffer
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

    /** Validates the entry. */
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension in shape " + Arrays.toString(shape));
            }
        }
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("tensor '" + name + "' has invalid data_offsets [" + begin + ", " + end + "]");
        }
    }

    /** Returns the number of elements (product of the shape; 1 for a scalar). */
    public long elementCount() {
        return elementCount(shape);
    }

    /** Returns the number of bytes the shape and dtype require. */
    public long expectedByteLength() {
        return Math.multiplyExact(elementCount(), (long) dtype.byteSize());
    }

    /** Returns {@code end - begin}. */
    public long byteLength() {
        return end - begin;
    }

    /** Returns a copy of the shape. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
        return name + "{" + dtype + " " + Arrays.toString(shape) + " @[" + begin + "," + end + ")}";
    }
}
