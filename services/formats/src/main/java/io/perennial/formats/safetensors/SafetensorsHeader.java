package io.perennial.formats.safetensors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed and validated safetensors header.
 *
 * <p>Validation guarantees: every tensor's byte range matches its dtype and shape, the ranges do not
 * overlap, and together they cover {@code [0, dataLength())} without gaps.
 *
 * @param headerLength length in bytes of the JSON header (the value of the 8-byte prefix)
 * @param metadata the optional {@code __metadata__} string map (empty if absent)
 * @param tensors tensor entries in header order
 */
public record SafetensorsHeader(long headerLength, Map<String, String> metadata, List<TensorInfo> tensors) {

    /** Copies the collections. */
    public SafetensorsHeader {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        tensors = List.copyOf(tensors);
    }

    /** Returns the size of the data buffer that follows the header. */
    public long dataLength() {
        long max = 0;
        for (TensorInfo t : tensors) {
            max = Math.max(max, t.end());
        }
        return max;
    }

    /** Returns the size of the whole file: {@code 8 + headerLength + dataLength}. */
    public long fileLength() {
        return 8 + headerLength + dataLength();
    }

    /**
     * Finds a tensor by name.
     *
     * @param name the tensor name
     * @return the entry, or empty
     */
    public Optional<TensorInfo> tensor(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
