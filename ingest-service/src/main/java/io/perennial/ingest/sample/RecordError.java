package io.perennial.ingest.sample;

/**
 * Why one record of a request was rejected.
 *
 * @param index zero-based position of the record in the request (line number minus one for NDJSON)
 * @param field the offending field, e.g. {@code features[12]}, or {@code null} for the record as a whole
 */
public record RecordError(int index, String field, String reason) {
}
