package io.perennial.registry.model;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.Map;

/**
 * A model to create by hand (streams get theirs automatically).
 *
 * @param name model name
 * @param stream the stream it learns from
 * @param family the model family spec (validated with {@code SpecJson})
 */
public record ModelRequest(
        @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9._-]{0,99}") String name,
        @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9._-]{0,99}") String stream,
        Map<String, Object> family) {
}
