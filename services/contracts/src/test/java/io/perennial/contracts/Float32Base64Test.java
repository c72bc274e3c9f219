package io.perennial.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Float32Base64Test {

    @Test
    void writesLittleEndianFloat32LikeNumpy() {
        // numpy: base64.b64encode(np.array([1.0, -2.0], dtype='<f4').tobytes()) == b'AACAPwAAAMA='
        assertThat(Float32Base64.encode(new float[] {1.0f, -2.0f})).isEqualTo("AACAPwAAAMA=");
        assertThat(Float32Base64.decode("AACAPwAAAMA=")).containsExactly(1.0f, -2.0f);
    }

    @Test
    void roundTripsEveryBitPattern() {
        float[] values = {0f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, 0.1f, Float.NaN, Float.NEGATIVE_INFINITY};
        float[] back = Float32Base64.decode(Float32Base64.encode(values));
        for (int i = 0; i < values.length; i++) {
            assertThat(Float.floatToRawIntBits(back[i])).isEqualTo(Float.floatToRawIntBits(values[i]));
        }
        assertThat(Float32Base64.decode("")).isEmpty();
    }

    @Test
    void refusesInvalidBase64AndPartialValues() {
        assertThatThrownBy(() -> Float32Base64.decode("not base64!")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Float32Base64.decode("AACA")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 bytes");
    }
}
