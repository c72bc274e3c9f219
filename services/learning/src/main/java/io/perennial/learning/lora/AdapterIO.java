package io.perennial.learning.lora;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.perennial.formats.safetensors.Safetensors;
import io.perennial.formats.safetensors.SafetensorsFile;
import io.perennial.formats.safetensors.Tensor;
import io.perennial.formats.spec.AdapterConfig;
import io.perennial.formats.spec.LinearLayerShape;
import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.formats.spec.PeftNames;
import io.perennial.formats.spec.SpecJson;

/**
 * Saves and loads adapters in PEFT's layout: a directory with {@code adapter_model.safetensors}
 * (tensors {@code base_model.model.<layer>.lora_A.weight} {@code [r, in]} and {@code …lora_B.weight}
 * {@code [out, r]}) and {@code adapter_config.json}.
 */
public final class AdapterIO {

    /** Weights file name, as in PEFT. */
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";

    private AdapterIO() {
    }

    /**
     * Writes an adapter.
     *
     * @param adapter the adapter
     * @param dir target directory (created)
     * @throws IOException on write errors
     */
    public static void save(LoraAdapter adapter, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(WEIGHTS_FILE), toSafetensors(adapter));
        Files.writeString(dir.resolve(SpecJson.ADAPTER_CONFIG_FILE), SpecJson.toJson(adapter.config()));
    }

    /**
     * Encodes an adapter's weights as safetensors bytes.
     *
     * @param adapter the adapter
     * @return file content
     */
    public static byte[] toSafetensors(LoraAdapter adapter) {
        SafetensorsFile.Builder b = SafetensorsFile.builder()
                .putMetadata("format", "pt")
                .putMetadata("perennial.kind", "lora")
                .putMetadata("perennial.adapter", adapter.name());
        Map<String, float[]> as = adapter.aWeights();
        Map<String, float[]> bs = adapter.bWeights();
        int r = adapter.config().r();
        for (String t : adapter.targets()) {
            LinearLayerShape l = adapter.spec().linearLayer(t);
            b.putFloats(PeftNames.loraA(t), new long[] {r, l.in()}, as.get(t));
            b.putFloats(PeftNames.loraB(t), new long[] {l.out(), r}, bs.get(t));
        }
        return Safetensors.toBytes(b.build());
    }

    /**
     * Reads an adapter, validating it against the base family.
     *
     * @param dir directory written by {@link #save}
     * @param spec the base family
     * @return the adapter (named by the file's metadata, else the directory name)
     * @throws IOException on read errors or invalid files
     * @throws IllegalArgumentException on shape mismatches, unknown layers, ranks too large or non-finite values
     */
    public static LoraAdapter load(Path dir, ModelFamilySpec spec) throws IOException {
        AdapterConfig cfg = SpecJson.readAdapterConfig(dir.resolve(SpecJson.ADAPTER_CONFIG_FILE));
        SafetensorsFile file = Safetensors.read(dir.resolve(WEIGHTS_FILE));
        String name = file.metadata().getOrDefault("perennial.adapter", dir.getFileName().toString());
        return fromSafetensors(name, spec, cfg, file);
    }

    /**
     * Builds an adapter from a parsed safetensors file.
     *
     * @param name adapter name
     * @param spec base family
     * @param cfg adapter config
     * @param file parsed weights
     * @return the adapter
     */
    public static LoraAdapter fromSafetensors(String name, ModelFamilySpec spec, AdapterConfig cfg, SafetensorsFile file) {
        cfg.validateAgainst(spec);
        Map<String, float[]> as = new LinkedHashMap<>();
        Map<String, float[]> bs = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : file.tensors().entrySet()) {
            String layer = PeftNames.layerOf(e.getKey()).orElseThrow(() -> new IllegalArgumentException(
                    "adapter file has tensor '" + e.getKey() + "', which is not a PEFT LoRA name"));
            LinearLayerShape l = spec.linearLayer(layer);
            boolean isA = e.getKey().equals(PeftNames.loraA(layer));
            long[] expected = isA ? new long[] {cfg.r(), l.in()} : new long[] {l.out(), cfg.r()};
            if (!Arrays.equals(expected, e.getValue().shape())) {
                throw new IllegalArgumentException("shape mismatch: tensor '" + e.getKey() + "' has shape "
                        + Arrays.toString(e.getValue().shape()) + ", expected " + Arrays.toString(expected)
                        + " for r=" + cfg.r() + " on layer '" + layer + "' (" + l.out() + "x" + l.in() + ")");
            }
            (isA ? as : bs).put(layer, e.getValue().toFloatArray());
        }
        return LoraAdapter.fromWeights(name, spec, cfg, as, bs);
    }
}
