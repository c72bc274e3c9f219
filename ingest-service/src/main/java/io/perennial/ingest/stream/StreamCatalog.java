package io.perennial.ingest.stream;

import io.perennial.contracts.events.StreamSpec;
import io.perennial.ingest.IngestProperties;
import io.perennial.support.web.ApiException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Stream definitions for the ingest hot path, cached briefly so a request does not read the database. A change made
 * through this instance is visible at once; one made through another instance within the cache TTL.
 */
@Component
public class StreamCatalog {

    private final StreamRepository streams;
    private final long ttlNanos;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    public StreamCatalog(StreamRepository streams, IngestProperties properties) {
        this.streams = streams;
        this.ttlNanos = properties.getStreamCacheTtl().toNanos();
    }

    /** The definition of a live stream. */
    public Optional<StreamSpec> find(String name) {
        long now = System.nanoTime();
        Entry entry = cache.get(name);
        if (entry == null || now - entry.loadedAt > ttlNanos) {
            entry = new Entry(streams.find(name).map(Stream::spec), now);
            cache.put(name, entry);
        }
        return entry.spec;
    }

    /** The definition of a live stream, or a 404 problem. */
    public StreamSpec require(String name) {
        return find(name).orElseThrow(() -> ApiException.notFound("no stream named '"
                + (name.length() > 100 ? name.substring(0, 100) + "…" : name) + "'"));
    }

    /** Forgets a stream after it changed. */
    public void invalidate(String name) {
        cache.remove(name);
    }

    private record Entry(Optional<StreamSpec> spec, long loadedAt) {
    }
}
