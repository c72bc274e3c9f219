package io.perennial.formats.spec;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Hidden-layer activation of a model family. */
public enum Activation {
    /** {@code max(0, x)}. */
    RELU,
    /** Hyperbolic tangent. */
    TANH,
    /** Gaussian error linear unit, {@code x·Φ(x)}. */
    GELU;

    /** Returns the JSON name ({@code "relu"}, …). */
    @JsonValue
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a JSON name.
     *
     * @param name for example {@code "relu"}
     * @return the activation
     */
    @JsonCreator
    public static Activation parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown activation '" + name + "' (expected relu, tanh or gelu)", e);
        }
    }
}
