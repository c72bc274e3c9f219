package io.perennial.registry.artifact;

import java.util.Locale;

/** What an uploaded file is, which decides how it is validated. */
public enum ArtifactKind {
    /** Full model weights (base or merged): safetensors with exactly the family's parameters and shapes. */
    WEIGHTS,
    /** LoRA adapter weights: safetensors with PEFT {@code lora_A}/{@code lora_B} tensors of the family's layers. */
    ADAPTER,
    /** Router descriptors: any valid safetensors file. */
    ROUTER,
    /** Any other file (e.g. {@code adapter_config.json}): stored as bytes. */
    FILE;

    /** The lower-case name used in the API and the database. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the file must be safetensors. */
    public boolean safetensors() {
        return this != FILE;
    }

    /** Parses {@code weights}, {@code adapter}, {@code router} or {@code file}. */
    public static ArtifactKind parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("unknown artifact kind '" + s + "': use weights, adapter, router or file");
        }
    }
}
