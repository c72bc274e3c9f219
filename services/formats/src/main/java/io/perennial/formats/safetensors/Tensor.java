package io.perennial.formats.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * An in-memory tensor: dtype, shape and raw little-endian bytes.
 *
 * <p>Use {@link #ofFloats} to build an F32 tensor and {@link #toFloatArray()} to read F32, F64, F16
 * or BF16 data as floats. Instances are immutable: the byte array is copied in and out.
 */
public final class Tensor {

    private final DType dtype;
    private final long[] shape;
    private final byte[] data;

    /**
     * Creates a tensor from raw little-endian bytes.
     *
     * @param dtype element type
     * @param shape dimensions
     * @param data raw bytes, exactly {@code prod(shape) * dtype.byteSize()} long
     * @throws IllegalArgumentException if the byte count does not match the shape
     */
    public Tensor(DType dtype, long[] shape, byte[] data) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        long expected = Math.multiplyExact(TensorInfo.elementCount(this.shape), (long) dtype.byteSize());
        if (expected != data.length) {
            throw new IllegalArgumentException("tensor of dtype " + dtype + " and shape " + Arrays.toString(shape)
                    + " needs " + expected + " bytes but got " + data.length);
        }
        this.data = data.clone();
    }

    /**
     * Creates an F32 tensor.
     *
     * @param shape dimensions
     * @param values row-major values, {@code prod(shape)} of them
     * @return the tensor
     */
    public static Tensor ofFloats(long[] shape, float[] values) {
        long n = TensorInfo.elementCount(shape);
        if (n != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " values but got " + values.length);
        }
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return new Tensor(DType.F32, shape, buf.array());
    }

    /** Returns the element type. */
    public DType dtype() {
        return dtype;
    }

    /** Returns a copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** Returns the number of elements. */
    public long elementCount() {
        return TensorInfo.elementCount(shape);
    }

    /** Returns a copy of the raw little-endian bytes. */
    public byte[] data() {
        return data.clone();
    }

    int byteLength() {
        return data.length;
    }

    byte[] rawData() {
        return data;
    }

    /**
     * Decodes the values as floats.
     *
     * @return row-major values
     * @throws UnsupportedOperationException for non-floating-point dtypes
     */
    public float[] toFloatArray() {
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int n = Math.toIntExact(elementCount());
        float[] out = new float[n];
        switch (dtype) {
            case F32 -> buf.asFloatBuffer().get(out);
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) buf.getDouble(i * 8);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = halfToFloat(buf.getShort(i * 2));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((buf.getShort(i * 2) & 0xffff) << 16);
                }
            }
            default -> throw new UnsupportedOperationException("cannot read dtype " + dtype + " as float");
        }
        return out;
    }

    /** Converts IEEE 754 binary16 bits to a float. */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal
            return sign == 0 ? v : -v;
        }
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && dtype == t.dtype && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor{" + dtype + " " + Arrays.toString(shape) + "}";
    }
}
