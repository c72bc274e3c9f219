package io.perennial.formats.spec;

import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A LoRA adapter's configuration in the layout of PEFT's {@code adapter_config.json}.
 *
 * <p>LoRA (Hu et al., 2021, <a href="https://arxiv.org/abs/2106.09685">arXiv:2106.09685</a>) adds to a
 * frozen linear layer {@code W ∈ ℝ^{out×in}} the low-rank update \( \Delta W = \frac{\alpha}{r} B A \)
 * with {@code A ∈ ℝ^{r×in}}, {@code B ∈ ℝ^{out×r}}. Tensors are stored as
 * {@code base_model.model.<layer>.lora_A.weight} and {@code …lora_B.weight} (see {@link PeftNames}).
 *
 * <p>Perennial writes {@code base_model_name_or_path} as {@code perennial:<family>@sha256:<hex>}, the
 * fingerprint of the base weights, so adapters of different bases are never mixed.
 *
 * @param peftType always {@code LORA}
 * @param r rank
 * @param loraAlpha scaling numerator α
 * @param targetModules layers carrying an adapter
 * @param loraDropout dropout used in training (metadata only)
 * @param bias PEFT bias mode, {@code none}
 * @param baseModelNameOrPath base fingerprint
 * @param fanInFanOut PEFT flag, always false here (weights are {@code [out, in]})
 * @param inferenceMode PEFT flag
 * @param useRslora rank-stabilised scaling (α/√r) instead of α/r
 * @param taskType PEFT task type, may be null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AdapterConfig(
        @JsonProperty("peft_type") String peftType,
        @JsonProperty("r") int r,
        @JsonProperty("lora_alpha") double loraAlpha,
        @JsonProperty("target_modules") List<String> targetModules,
        @JsonProperty("lora_dropout") double loraDropout,
        @JsonProperty("bias") String bias,
        @JsonProperty("base_model_name_or_path") String baseModelNameOrPath,
        @JsonProperty("fan_in_fan_out") boolean fanInFanOut,
        @JsonProperty("inference_mode") boolean inferenceMode,
        @JsonProperty("use_rslora") boolean useRslora,
        @JsonProperty("task_type") @org.jspecify.annotations.Nullable String taskType) {

    /** Validates the config. */
    public AdapterConfig {
        peftType = peftType == null ? "LORA" : peftType;
        if (!"LORA".equals(peftType)) {
            throw new IllegalArgumentException("only LORA adapters are supported, got peft_type " + peftType);
        }
        if (r <= 0) {
            throw new IllegalArgumentException("LoRA rank r must be positive, got " + r);
        }
        if (!(loraAlpha > 0) || Double.isInfinite(loraAlpha)) {
            throw new IllegalArgumentException("lora_alpha must be a positive finite number, got " + loraAlpha);
        }
        if (targetModules == null || targetModules.isEmpty()) {
            throw new IllegalArgumentException("target_modules must name at least one layer");
        }
        targetModules = List.copyOf(targetModules);
        bias = bias == null ? "none" : bias;
        baseModelNameOrPath = Objects.requireNonNullElse(baseModelNameOrPath, "");
        if (fanInFanOut) {
            throw new IllegalArgumentException("fan_in_fan_out=true is not supported (weights are stored [out, in])");
        }
    }

    /**
     * Creates a config with PEFT defaults for the optional fields.
     *
     * @param r rank
     * @param alpha α
     * @param targets target layers
     * @param baseFingerprint base fingerprint ({@code perennial:<family>@sha256:<hex>})
     * @return the config
     */
    public static AdapterConfig of(int r, double alpha, List<String> targets, String baseFingerprint) {
        return new AdapterConfig("LORA", r, alpha, targets, 0.0, "none", baseFingerprint, false, true, false, null);
    }

    /** Returns the scaling applied to {@code B·A}: {@code alpha/r}, or {@code alpha/√r} with rsLoRA. */
    @JsonIgnore
    public double scaling() {
        return useRslora ? loraAlpha / Math.sqrt(r) : loraAlpha / r;
    }

    /**
     * Checks this config against a model family: every target is a linear layer and the rank fits it.
     *
     * @param spec the base model's family
     * @throws IllegalArgumentException naming the unknown layer or the layer the rank exceeds
     */
    public void validateAgainst(ModelFamilySpec spec) {
        for (String t : targetModules) {
            LinearLayerShape l = spec.linearLayer(t);
            if (r > l.maxRank()) {
                throw new IllegalArgumentException("LoRA rank r=" + r + " is larger than layer '" + t + "' allows ("
                        + l.out() + "x" + l.in() + ", max rank " + l.maxRank() + ")");
            }
        }
    }
}
