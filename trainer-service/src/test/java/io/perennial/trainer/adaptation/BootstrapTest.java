package io.perennial.trainer.adaptation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.ResourceAccessException;

class BootstrapTest {

    private final AtomicInteger asked = new AtomicInteger();

    private Supplier<Optional<String>> registry(Optional<String> production) {
        return () -> {
            asked.incrementAndGet();
            return production;
        };
    }

    @Test
    void aRememberedUploadIsUsedWithoutAskingTheRegistry() {
        Bootstrap.Decision<String> d = Bootstrap.decide(Optional.of("v1"), true, true, registry(Optional.empty()));
        assertThat(d.step()).isEqualTo(Bootstrap.Step.USE_UPLOAD);
        assertThat(d.upload()).isEqualTo("v1");
        assertThat(asked).hasValue(0);
    }

    @Test
    void theRegistryIsNotAskedWhileItsAnswerChangesNothing() {
        assertThat(Bootstrap.decide(Optional.empty(), false, false, registry(Optional.of("v1"))).step())
                .isEqualTo(Bootstrap.Step.WAIT);
        assertThat(asked).hasValue(0);
    }

    @Test
    void aFullBaseWindowTrainsABaseOnlyWhenNothingServes() {
        assertThat(Bootstrap.decide(Optional.empty(), true, false, registry(Optional.empty())).step())
                .isEqualTo(Bootstrap.Step.TRAIN_BASE);
        Bootstrap.Decision<String> uploaded = Bootstrap.decide(Optional.empty(), true, false,
                registry(Optional.of("v3")));
        assertThat(uploaded.step()).isEqualTo(Bootstrap.Step.USE_UPLOAD);
        assertThat(uploaded.upload()).isEqualTo("v3");
        assertThat(asked).hasValue(2);
    }

    @Test
    void anAlarmBeforeTheBaseWindowFilledUsesAnUploadOrWaits() {
        assertThat(Bootstrap.decide(Optional.empty(), false, true, registry(Optional.of("v1"))).step())
                .isEqualTo(Bootstrap.Step.USE_UPLOAD);
        assertThat(Bootstrap.decide(Optional.empty(), false, true, registry(Optional.empty())).step())
                .isEqualTo(Bootstrap.Step.WAIT);
    }

    @Test
    void anUnreachableRegistryDecidesNothingSoNoBaseJobIsScheduledByMistake() {
        assertThatThrownBy(() -> Bootstrap.decide(Optional.empty(), true, false, () -> {
            throw new ResourceAccessException("connection refused");
        })).isInstanceOf(ResourceAccessException.class);
    }

    @Test
    void alarmsRaisedBeforeTheBaseWasInPlaceAreIgnoredWithTheReason() {
        Instant since = Instant.parse("2026-01-01T10:00:00Z");
        assertThat(Bootstrap.ignoredBecause(since.minusSeconds(1), since, 4))
                .isEqualTo("raised before the uploaded base (version 4) was promoted");
        assertThat(Bootstrap.ignoredBecause(since.minusSeconds(1), since, null))
                .isEqualTo("raised before the base model's window was chosen");
        assertThat(Bootstrap.ignoredBecause(since, since, 4)).isNull();
        assertThat(Bootstrap.ignoredBecause(since.plusSeconds(1), since, null)).isNull();
    }
}
