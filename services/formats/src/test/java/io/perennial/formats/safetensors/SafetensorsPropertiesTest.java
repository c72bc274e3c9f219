package io.perennial.formats.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class SafetensorsPropertiesTest {

    @Provide
    Arbitrary<List<Tensor>> tensors() {
        Arbitrary<Tensor> one = Combinators.combine(
                Arbitraries.of(DType.F32, DType.F16, DType.BF16, DType.I64, DType.U8, DType.F64),
                Arbitraries.integers().between(0, 5).list().ofMaxSize(3),
                Arbitraries.longs())
                .as((dtype, dims, seed) -> {
                    long[] shape = dims.stream().mapToLong(Integer::longValue).toArray();
                    long n = 1;
                    for (long d : shape) {
                        n *= d;
                    }
                    byte[] data = new byte[(int) n * dtype.byteSize()];
                    new java.util.Random(seed).nextBytes(data);
                    return new Tensor(dtype, shape, data);
                });
        return one.list().ofMinSize(0).ofMaxSize(6);
    }

    @Property(tries = 200)
    void anyFileRoundTripsAndItsHeaderParsesFromAStream(@ForAll("tensors") List<Tensor> tensors) throws Exception {
        SafetensorsFile.Builder b = SafetensorsFile.builder().putMetadata("k", "v");
        for (int i = 0; i < tensors.size(); i++) {
            b.put("t" + i, tensors.get(i));
        }
        SafetensorsFile file = b.build();
        byte[] bytes = Safetensors.toBytes(file);
        assertThat(Safetensors.read(bytes)).isEqualTo(file);
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        SafetensorsHeader h = Safetensors.readHeader(in);
        assertThat(h.fileLength()).isEqualTo(bytes.length);
        assertThat(h.headerLength() % 8).isZero();
        Safetensors.validateData(h, in);
    }

    @Property(tries = 200)
    void anyTruncationIsRejected(@ForAll("tensors") List<Tensor> tensors, @ForAll @IntRange(min = 1, max = 64) int cut) {
        SafetensorsFile.Builder b = SafetensorsFile.builder();
        for (int i = 0; i < tensors.size(); i++) {
            b.put("t" + i, tensors.get(i));
        }
        byte[] bytes = Safetensors.toBytes(b.build());
        byte[] shorter = Arrays.copyOf(bytes, Math.max(0, bytes.length - cut));
        assertThatThrownBy(() -> Safetensors.read(shorter))
                .isInstanceOf(SafetensorsFormatException.class)
                .hasMessageContaining("truncated");
    }
}
