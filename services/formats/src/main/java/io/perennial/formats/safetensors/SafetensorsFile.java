package io.perennial.formats.safetensors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The content of a safetensors file: named tensors (in insertion order) plus string metadata.
 *
 * <p>Build one with {@link #builder()}; read and write it with {@link Safetensors}.
 */
public final class SafetensorsFile {

    private final Map<String, String> metadata;
    private final Map<String, Tensor> tensors;

    private SafetensorsFile(Map<String, String> metadata, Map<String, Tensor> tensors) {
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** Returns a new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the {@code __metadata__} map (possibly empty). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Returns the tensors by name, in file order. */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /**
     * Returns a tensor by name.
     *
     * @param name tensor name
     * @return the tensor
     * @throws NoSuchElementException naming the missing tensor
     */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new NoSuchElementException("safetensors file has no tensor '" + name + "' (has " + tensors.keySet() + ")");
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SafetensorsFile f && metadata.equals(f.metadata) && tensors.equals(f.tensors);
    }

    @Override
    public int hashCode() {
        return Objects.hash(metadata, tensors);
    }

    /** Mutable builder; {@link #build()} freezes it. */
    public static final class Builder {
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private final Map<String, Tensor> tensors = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds a metadata entry.
         *
         * @param key key
         * @param value value
         * @return this builder
         */
        public Builder putMetadata(String key, String value) {
            metadata.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        /**
         * Adds a tensor.
         *
         * @param name unique name (not {@code __metadata__})
         * @param tensor the tensor
         * @return this builder
         */
        public Builder put(String name, Tensor tensor) {
            if (Safetensors.METADATA_KEY.equals(name)) {
                throw new IllegalArgumentException("'" + name + "' is reserved for metadata");
            }
            if (tensors.putIfAbsent(Objects.requireNonNull(name), Objects.requireNonNull(tensor)) != null) {
                throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
            }
            return this;
        }

        /**
         * Adds an F32 tensor.
         *
         * @param name unique name
         * @param shape dimensions
         * @param values row-major values
         * @return this builder
         */
        public Builder putFloats(String name, long[] shape, float[] values) {
            return put(name, Tensor.ofFloats(shape, values));
        }

        /** Returns the immutable file content. */
        public SafetensorsFile build() {
            return new SafetensorsFile(metadata, tensors);
        }
    }
}
