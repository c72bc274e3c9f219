package io.perennial.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {

    @Test
    void perStreamTopicsAreNamedAndParsedBack() {
        assertThat(Topics.samples("fmnist-rot")).isEqualTo("perennial.samples.fmnist-rot");
        assertThat(Topics.ingest("a_1")).isEqualTo("perennial.ingest.a_1");
        assertThat(Topics.streamOf("perennial.samples.fmnist-rot")).isEqualTo("fmnist-rot");
        assertThat(Topics.streamOf(Topics.DRIFT)).isNull();
        assertThat(Topics.SAMPLES_PATTERN.matcher("perennial.samples.x").matches()).isTrue();
        assertThat(Topics.SAMPLES_PATTERN.matcher("perennial.ingest.x").matches()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "UPPER", "../etc", "a/b", "a b", "-lead", "tab\tname", "dot.name"})
    void invalidStreamNamesAreRejectedWithoutEchoingControlCharacters(String name) {
        assertThat(StreamName.isValid(name)).isFalse();
        assertThatThrownBy(() -> Topics.samples(name)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid stream name").hasMessageNotContaining("\t");
    }

    @Test
    void longestValidNameFitsKafkasTopicLimit() {
        String name = "a".repeat(100);
        assertThat(StreamName.isValid(name)).isTrue();
        assertThat(StreamName.isValid(name + "a")).isFalse();
        assertThat(Topics.samples(name).length()).isLessThan(249);
    }
}
