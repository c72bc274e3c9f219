package io.perennial.formats.safetensors;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reader and writer for the <a href="https://github.com/huggingface/safetensors">safetensors</a> format.
 *
 * <p>Layout: an unsigned 64-bit little-endian integer {@code N}, then {@code N} bytes of UTF-8 JSON
 * (the header), then the data buffer. The header maps each tensor name to
 * {@code {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}} with offsets relative to the
 * data buffer; the optional {@code "__metadata__"} key holds a string-to-string map. Tensors are
 * stored row-major and little-endian.
 *
 * <p>The reader rejects, with a {@link SafetensorsFormatException} naming the problem: a file shorter
 * than its declared header or data (truncated), a header longer than {@link #MAX_HEADER_LENGTH} or a
 * file with trailing bytes (oversized), and headers that are not a JSON object, have duplicate keys,
 * unknown dtypes, negative dimensions, byte ranges that disagree with dtype × shape, or ranges that
 * overlap or leave gaps (inconsistent).
 *
 * <p>The writer emits {@code __metadata__} first, then tensors in insertion order with contiguous
 * offsets, and pads the header with spaces to a multiple of 8 bytes (as the reference implementation
 * does) so the data buffer is aligned.
 *
 * <p>For upload validation without buffering, use {@link #readHeader(InputStream)} followed by
 * {@link #validateData(SafetensorsHeader, InputStream)}.
 */
public final class Safetensors {

    /** The reserved header key for string metadata. */
    public static final String METADATA_KEY = "__metadata__";

    /** Largest accepted header, 100 MB, the same limit as the reference implementation. */
    public static final long MAX_HEADER_LENGTH = 100L * 1024 * 1024;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Safetensors() {
    }

    /**
     * Reads and validates only the 8-byte length prefix and the JSON header from a stream.
     *
     * <p>The stream is left positioned at the first byte of the data buffer.
     *
     * @param in the stream
     * @return the validated header
     * @throws SafetensorsFormatException if the header is truncated, oversized or inconsistent
     * @throws IOException on read errors
     */
    public static SafetensorsHeader readHeader(InputStream in) throws IOException {
        byte[] prefix = in.readNBytes(8);
        if (prefix.length < 8) {
            throw new SafetensorsFormatException("truncated safetensors file: " + prefix.length
                    + " bytes, shorter than the 8-byte header length prefix");
        }
        long headerLength = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 0 || headerLength > MAX_HEADER_LENGTH) {
            throw new SafetensorsFormatException("safetensors header length " + Long.toUnsignedString(headerLength)
                    + " exceeds the limit of " + MAX_HEADER_LENGTH + " bytes");
        }
        if (headerLength < 2) {
            throw new SafetensorsFormatException("safetensors header length " + headerLength + " is too small for a JSON object");
        }
        byte[] json = in.readNBytes((int) headerLength);
        if (json.length < headerLength) {
            throw new SafetensorsFormatException("truncated safetensors file: header declares " + headerLength
                    + " bytes but only " + json.length + " follow");
        }
        return parseHeader(headerLength, json);
    }

    /**
     * Consumes the data buffer from a stream without keeping it, checking that it has exactly the
     * length the header declares.
     *
     * @param header the header read by {@link #readHeader(InputStream)}
     * @param in the stream positioned at the data buffer
     * @throws SafetensorsFormatException if the data is shorter or longer than declared
     * @throws IOException on read errors
     */
    public static void validateData(SafetensorsHeader header, InputStream in) throws IOException {
        long expected = header.dataLength();
        long remaining = expected;
        byte[] buf = new byte[64 * 1024];
        while (remaining > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
            if (n < 0) {
                throw new SafetensorsFormatException("truncated safetensors file: data buffer has "
                        + (expected - remaining) + " of the " + expected + " bytes the header declares");
            }
            remaining -= n;
        }
        if (in.read() >= 0) {
            throw new SafetensorsFormatException("oversized safetensors file: trailing bytes after the "
                    + expected + "-byte data buffer");
        }
    }

    /**
     * Reads a complete file from a stream.
     *
     * @param in the stream (read to its end)
     * @return the content
     * @throws SafetensorsFormatException if the file is truncated, oversized or inconsistent
     * @throws IOException on read errors
     */
    public static SafetensorsFile read(InputStream in) throws IOException {
        SafetensorsHeader header = readHeader(in);
        long dataLength = header.dataLength();
        if (dataLength > Integer.MAX_VALUE - 8) {
            throw new SafetensorsFormatException("safetensors data buffer of " + dataLength
                    + " bytes is too large to load into memory; use readHeader for streaming validation");
        }
        byte[] data = in.readNBytes((int) dataLength);
        if (data.length < dataLength) {
            throw new SafetensorsFormatException("truncated safetensors file: data buffer has " + data.length
                    + " of the " + dataLength + " bytes the header declares");
        }
        if (in.read() >= 0) {
            throw new SafetensorsFormatException("oversized safetensors file: trailing bytes after the "
                    + dataLength + "-byte data buffer");
        }
        SafetensorsFile.Builder b = SafetensorsFile.builder();
        header.metadata().forEach(b::putMetadata);
        for (TensorInfo t : header.tensors()) {
            byte[] slice = new byte[(int) t.byteLength()];
            System.arraycopy(data, (int) t.begin(), slice, 0, slice.length);
            b.put(t.name(), new Tensor(t.dtype(), t.shape(), slice));
        }
        return b.build();
    }

    /**
     * Reads a complete file from bytes.
     *
     * @param bytes the file content
     * @return the content
     * @throws SafetensorsFormatException if the bytes are not a valid file
     */
    public static SafetensorsFile read(byte[] bytes) throws SafetensorsFormatException {
        try {
            return read(new ByteArrayInputStream(bytes));
        } catch (SafetensorsFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new SafetensorsFormatException(e.getMessage(), e);
        }
    }

    /**
     * Reads a complete file.
     *
     * @param path the file
     * @return the content
     * @throws IOException on read errors or an invalid file
     */
    public static SafetensorsFile read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in);
        } catch (SafetensorsFormatException e) {
            throw new SafetensorsFormatException(path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a file to a stream.
     *
     * @param file the content
     * @param out the stream (not closed)
     * @throws IOException on write errors
     */
    public static void write(SafetensorsFile file, OutputStream out) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!file.metadata().isEmpty()) {
            header.put(METADATA_KEY, file.metadata());
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : file.tensors().entrySet()) {
            Tensor t = e.getValue();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", t.dtype().name());
            entry.put("shape", t.shape());
            entry.put("data_offsets", new long[] {offset, offset + t.byteLength()});
            header.put(e.getKey(), entry);
            offset += t.byteLength();
        }
        byte[] json = MAPPER.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        byte[] prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array();
        out.write(prefix);
        out.write(json);
        for (int i = json.length; i < padded; i++) {
            out.write(' ');
        }
        for (Tensor t : file.tensors().values()) {
            out.write(t.rawData());
        }
    }

    /**
     * Writes a file to bytes.
     *
     * @param file the content
     * @return the encoded file
     */
    public static byte[] toBytes(SafetensorsFile file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(file, out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /**
     * Writes a file to a path (replacing it).
     *
     * @param file the content
     * @param path the target
     * @throws IOException on write errors
     */
    public static void write(SafetensorsFile file, Path path) throws IOException {
        try (OutputStream out = Files.newOutputStream(path)) {
            write(file, out);
        }
    }

    private static SafetensorsHeader parseHeader(long headerLength, byte[] json) throws SafetensorsFormatException {
        int start = 0;
        while (start < json.length && Character.isWhitespace(json[start])) {
            start++;
        }
        if (start >= json.length || json[start] != '{') {
            throw new SafetensorsFormatException("safetensors header is not a JSON object (does not start with '{')");
        }
        Map<?, ?> root;
        try {
            root = MAPPER.readValue(new String(json, StandardCharsets.UTF_8), Map.class);
        } catch (JacksonException e) {
            throw new SafetensorsFormatException("safetensors header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> tensors = new ArrayList<>();
        for (Map.Entry<?, ?> e : root.entrySet()) {
            String name = (String) e.getKey();
            if (METADATA_KEY.equals(name)) {
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    throw new SafetensorsFormatException("safetensors __metadata__ must be an object of strings");
                }
                for (Map.Entry<?, ?> me : m.entrySet()) {
                    if (!(me.getValue() instanceof String s)) {
                        throw new SafetensorsFormatException("safetensors __metadata__ value for '" + me.getKey() + "' is not a string");
                    }
                    metadata.put((String) me.getKey(), s);
                }
                continue;
            }
            tensors.add(parseTensor(name, e.getValue()));
        }
        checkLayout(tensors);
        return new SafetensorsHeader(headerLength, metadata, tensors);
    }

    private static TensorInfo parseTensor(String name, Object value) throws SafetensorsFormatException {
        if (!(value instanceof Map<?, ?> m)) {
            throw new SafetensorsFormatException("tensor '" + name + "': header entry is not an object");
        }
        if (!(m.get("dtype") instanceof String dtypeName)) {
            throw new SafetensorsFormatException("tensor '" + name + "': missing or non-string 'dtype'");
        }
        DType dtype;
        try {
            dtype = DType.parse(dtypeName);
        } catch (IllegalArgumentException ex) {
            throw new SafetensorsFormatException("tensor '" + name + "': " + ex.getMessage());
        }
        long[] shape = longArray(name, "shape", m.get("shape"), -1);
        long[] offsets = longArray(name, "data_offsets", m.get("data_offsets"), 2);
        for (long d : shape) {
            if (d < 0) {
                throw new SafetensorsFormatException("tensor '" + name + "': negative dimension in shape");
            }
        }
        if (offsets[0] < 0 || offsets[1] < offsets[0]) {
            throw new SafetensorsFormatException("tensor '" + name + "': invalid data_offsets [" + offsets[0] + ", " + offsets[1] + "]");
        }
        TensorInfo info = new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
        long expected;
        try {
            expected = info.expectedByteLength();
        } catch (ArithmeticException ex) {
            throw new SafetensorsFormatException("tensor '" + name + "': shape overflows a 64-bit element count");
        }
        if (info.byteLength() != expected) {
            throw new SafetensorsFormatException("tensor '" + name + "': data_offsets cover " + info.byteLength()
                    + " bytes but dtype " + dtype + " with shape " + java.util.Arrays.toString(shape)
                    + " needs " + expected);
        }
        return info;
    }

    private static long[] longArray(String tensor, String field, Object value, int requiredLength)
            throws SafetensorsFormatException {
        if (!(value instanceof List<?> list)) {
            throw new SafetensorsFormatException("tensor '" + tensor + "': missing or non-array '" + field + "'");
        }
        if (requiredLength >= 0 && list.size() != requiredLength) {
            throw new SafetensorsFormatException("tensor '" + tensor + "': '" + field + "' must have "
                    + requiredLength + " entries, has " + list.size());
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object o = list.get(i);
            if (!(o instanceof Integer || o instanceof Long)) {
                throw new SafetensorsFormatException("tensor '" + tensor + "': '" + field + "' entry " + o
                        + " is not a 64-bit integer");
            }
            out[i] = ((Number) o).longValue();
        }
        return out;
    }

    private static void checkLayout(List<TensorInfo> tensors) throws SafetensorsFormatException {
        List<TensorInfo> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expectedBegin = 0;
        for (TensorInfo t : sorted) {
            if (t.begin() != expectedBegin) {
                throw new SafetensorsFormatException("tensor '" + t.name() + "': data_offsets start at " + t.begin()
                        + " but the previous tensor ends at " + expectedBegin
                        + (t.begin() < expectedBegin ? " (overlap)" : " (gap)"));
            }
            expectedBegin = t.end();
        }
    }

}
