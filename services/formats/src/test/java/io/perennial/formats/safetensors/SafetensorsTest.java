package io.perennial.formats.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

    /** Builds a file by hand, byte by byte, as the published format describes it. */
    private static byte[] handBuilt(String header, byte[] data) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).put(data);
        return b.array();
    }

    private static byte[] floatsLe(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    @Test
    void writerProducesExactlyThePublishedLayout() {
        SafetensorsFile file = SafetensorsFile.builder()
                .putMetadata("format", "pt")
                .putFloats("w", new long[] {2}, new float[] {1f, 2f})
                .build();
        String header = "{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        int padded = (header.length() + 7) / 8 * 8;
        byte[] expected = new byte[8 + padded + 8];
        expected[0] = (byte) padded; // little-endian u64, padded < 256
        System.arraycopy(header.getBytes(StandardCharsets.US_ASCII), 0, expected, 8, header.length());
        Arrays.fill(expected, 8 + header.length(), 8 + padded, (byte) ' ');
        // 1.0f = 0x3F800000, 2.0f = 0x40000000, little-endian
        byte[] data = {0, 0, (byte) 0x80, 0x3F, 0, 0, 0, 0x40};
        System.arraycopy(data, 0, expected, 8 + padded, 8);

        assertThat(Safetensors.toBytes(file)).isEqualTo(expected);
    }

    @Test
    void readsAHandBuiltFile() throws Exception {
        byte[] bytes = handBuilt(
                "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}",
                floatsLe(1.5f, -2f, 3.25f, 7f));
        SafetensorsFile f = Safetensors.read(bytes);
        assertThat(f.tensor("a").toFloatArray()).containsExactly(1.5f, -2f, 3.25f);
        assertThat(f.tensor("b").toFloatArray()).containsExactly(7f);
        assertThat(f.tensor("a").shape()).containsExactly(3);
        assertThat(f.metadata()).isEmpty();
    }

    @Test
    void roundTripKeepsTensorsMetadataAndOrder(@TempDir Path dir) throws Exception {
        SafetensorsFile file = SafetensorsFile.builder()
                .putMetadata("perennial", "1")
                .putFloats("layer.weight", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6})
                .putFloats("layer.bias", new long[] {2}, new float[] {-1, 0.5f})
                .put("scalar", Tensor.ofFloats(new long[0], new float[] {42f}))
                .put("ids", new Tensor(DType.I64, new long[] {2}, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(7).putLong(-1).array()))
                .build();
        Path p = dir.resolve("m.safetensors");
        Safetensors.write(file, p);
        SafetensorsFile back = Safetensors.read(p);
        assertThat(back).isEqualTo(file);
        assertThat(back.tensors().keySet()).containsExactly("layer.weight", "layer.bias", "scalar", "ids");
        assertThat(back.tensor("scalar").toFloatArray()).containsExactly(42f);
        assertThat(Safetensors.readHeader(new ByteArrayInputStream(Safetensors.toBytes(file))).headerLength() % 8).isZero();
    }

    @Test
    void headerOnlyParseStopsAtTheDataBuffer() throws Exception {
        SafetensorsFile file = SafetensorsFile.builder().putFloats("x", new long[] {4}, new float[] {1, 2, 3, 4}).build();
        byte[] bytes = Safetensors.toBytes(file);
        InputStream in = new ByteArrayInputStream(bytes);
        SafetensorsHeader h = Safetensors.readHeader(in);
        assertThat(h.tensors()).hasSize(1);
        assertThat(h.dataLength()).isEqualTo(16);
        assertThat(h.fileLength()).isEqualTo(bytes.length);
        assertThat(in.available()).isEqualTo(16);
        Safetensors.validateData(h, in);
    }

    @Test
    void streamingValidationRejectsShortAndLongData() throws Exception {
        byte[] bytes = Safetensors.toBytes(SafetensorsFile.builder().putFloats("x", new long[] {4}, new float[4]).build());
        InputStream shortIn = new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length - 1));
        SafetensorsHeader h = Safetensors.readHeader(shortIn);
        assertThatThrownBy(() -> Safetensors.validateData(h, shortIn))
                .isInstanceOf(SafetensorsFormatException.class).hasMessageContaining("truncated");
        InputStream longIn = new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length + 3));
        SafetensorsHeader h2 = Safetensors.readHeader(longIn);
        assertThatThrownBy(() -> Safetensors.validateData(h2, longIn))
                .isInstanceOf(SafetensorsFormatException.class).hasMessageContaining("trailing bytes");
    }

    @Test
    void rejectsTruncatedFiles() {
        byte[] bytes = Safetensors.toBytes(SafetensorsFile.builder().putFloats("x", new long[] {4}, new float[4]).build());
        assertThatThrownBy(() -> Safetensors.read(Arrays.copyOf(bytes, 5)))
                .isInstanceOf(SafetensorsFormatException.class).hasMessageContaining("8-byte header length");
        assertThatThrownBy(() -> Safetensors.read(Arrays.copyOf(bytes, 20)))
                .isInstanceOf(SafetensorsFormatException.class).hasMessageContaining("header declares");
        assertThatThrownBy(() -> Safetensors.read(Arrays.copyOf(bytes, bytes.length - 4)))
                .isInstanceOf(SafetensorsFormatException.class).hasMessageContaining("data buffer has 12 of the 16 bytes");
    }

    @Test
    void rejectsOversizedHeaderAndTrailingBytes() {
        byte[] huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Safetensors.MAX_HEADER_LENGTH + 1).array();
        assertThatThrownBy(() -> Safetensors.read(huge))
                .isInstanceOf(SafetensorsFormatException.class).hasMessageContaining("exceeds the limit");
        byte[] negative = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-5).array();
        assertThatThrownBy(() -> Safetensors.read(negative))
                .isInstanceOf(SafetensorsFormatException.class).hasMessageContaining("exceeds the limit");
        byte[] bytes = Safetensors.toBytes(SafetensorsFile.builder().putFloats("x", new long[] {1}, new float[1]).build());
        assertThatThrownBy(() -> Safetensors.read(Arrays.copyOf(bytes, bytes.length + 1)))
                .isInstanceOf(SafetensorsFormatException.class).hasMessageContaining("trailing bytes");
    }

    @Test
    void rejectsInconsistentHeaders() {
        assertInvalid("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8],
                "tensor 'a': data_offsets cover 8 bytes but dtype F32 with shape [3] needs 12");
        assertInvalid("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                new byte[12], "overlap");
        assertInvalid("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8], "gap");
        assertInvalid("{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4], "unknown safetensors dtype 'Q4'");
        assertInvalid("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4], "negative dimension");
        assertInvalid("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4], "'data_offsets'");
        assertInvalid("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                new byte[4], "Duplicate");
        assertInvalid("[1,2,3]", new byte[0], "not a JSON object");
        assertInvalid("{\"__metadata__\":{\"k\":1}}", new byte[0], "__metadata__ value for 'k' is not a string");
        assertInvalid("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]", new byte[4], "not valid JSON");
    }

    private static void assertInvalid(String header, byte[] data, String message) {
        assertThatThrownBy(() -> Safetensors.read(handBuilt(header, data)))
                .isInstanceOf(SafetensorsFormatException.class)
                .hasMessageContaining(message);
    }

    @Test
    void decodesHalfAndBfloat16() {
        // F16: 1.0 = 0x3C00, -2.0 = 0xC000, 65504 = 0x7BFF, smallest subnormal 0x0001 = 2^-24
        byte[] f16 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x7BFF).putShort((short) 0x0001).array();
        assertThat(new Tensor(DType.F16, new long[] {4}, f16).toFloatArray()).containsExactly(1f, -2f, 65504f, 0x1p-24f);
        // BF16: upper half of float32; 1.0f = 0x3F80, -0.5f = 0xBF00
        byte[] bf16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3F80).putShort((short) 0xBF00).array();
        assertThat(new Tensor(DType.BF16, new long[] {2}, bf16).toFloatArray()).containsExactly(1f, -0.5f);
    }

    @Test
    void tensorRejectsDataThatDoesNotMatchItsShape() {
        assertThatThrownBy(() -> new Tensor(DType.F32, new long[] {2, 2}, new byte[12]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 16 bytes but got 12");
        assertThatThrownBy(() -> SafetensorsFile.builder().putFloats("a", new long[] {1}, new float[1]).putFloats("a", new long[] {1}, new float[1]))
                .hasMessageContaining("duplicate tensor name 'a'");
    }

    @Test
    void streamsLargeFilesThroughAStream() throws Exception {
        float[] big = new float[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = i * 0.5f;
        }
        SafetensorsFile file = SafetensorsFile.builder().putFloats("big", new long[] {600, 500}, big).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Safetensors.write(file, out);
        SafetensorsFile back = Safetensors.read(new ByteArrayInputStream(out.toByteArray()));
        assertThat(back.tensor("big").toFloatArray()).isEqualTo(big);
    }
}
