package io.perennial.ingest.sample;

import io.perennial.contracts.Float32Base64;
import io.perennial.contracts.events.SampleEvents.Sample;
import io.perennial.contracts.events.StreamSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses and validates sample records one at a time from a request body, never holding the whole body.
 *
 * <p>Two body formats: a JSON array of records, or NDJSON (one record per line). In NDJSON a malformed line is one
 * bad record and parsing continues with the next line; in a JSON array a syntax error ends the body, because nothing
 * after it can be located reliably. Each record is {@code {"id", "features", "label", "timestamp", "attributes"}};
 * features are flat or nested to match the stream's input shape and must be finite 32-bit floats, or given instead
 * as {@code featuresBase64} (little-endian float32, the form predict also accepts), which skips decimal parsing.
 */
public final class SampleParser {

    /** Receives each record in order. */
    public interface Sink {
        /** A valid record. */
        void accept(int index, Sample sample);

        /** A rejected record. */
        void reject(RecordError error);
    }

    /** How parsing ended. */
    public record Outcome(int records, boolean truncated, RecordError syntaxError) {
    }

    private static final int MAX_ATTRIBUTES = 16;

    private final JsonMapper mapper;
    private final StreamSpec spec;
    private final Set<String> labels;
    private final int[] shape;
    private final int featureCount;
    private final int maxRecords;
    private final int maxLineBytes;
    private final Supplier<String> ids;
    private final Set<String> seenIds = new HashSet<>();
    private final float[] buffer;

    public SampleParser(JsonMapper mapper, StreamSpec spec, int maxRecords, int maxLineBytes,
            Supplier<String> ids) {
        this.mapper = mapper;
        this.spec = spec;
        this.labels = new HashSet<>(spec.labels());
        this.shape = spec.inputShape().stream().mapToInt(Integer::intValue).toArray();
        this.featureCount = spec.featureCount();
        this.maxRecords = maxRecords;
        this.maxLineBytes = maxLineBytes;
        this.ids = ids;
        this.buffer = new float[featureCount];
    }

    /** Parses a JSON array body. */
    public Outcome parseArray(InputStream body, Sink sink) {
        int index = 0;
        try (JsonParser p = mapper.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return new Outcome(0, false, null);
            }
            if (first != JsonToken.START_ARRAY) {
                return new Outcome(0, false, new RecordError(0, null,
                        "the body must be a JSON array of records (or NDJSON with Content-Type application/x-ndjson)"));
            }
            JsonToken token;
            while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    return new Outcome(index, false, new RecordError(index, null, "the JSON array is not closed"));
                }
                if (index >= maxRecords) {
                    return new Outcome(index, true, null);
                }
                parseOne(p, token, index, true, ids, sink);
                index++;
            }
            if (p.nextToken() != null) {
                return new Outcome(index, false, new RecordError(index, null, "unexpected content after the array"));
            }
            return new Outcome(index, false, null);
        } catch (StreamReadException ex) {
            return new Outcome(index, false, new RecordError(index, null, "malformed JSON: " + message(ex)));
        }
    }

    /** Parses an NDJSON body; empty lines are skipped. Lines are parsed in place in a read buffer, never copied. */
    public Outcome parseNdjson(InputStream body, Sink sink) {
        int index = 0;
        byte[] buffer = new byte[(int) Math.min(maxLineBytes + 1L, 1 << 16)];
        int start = 0;
        int end = 0;
        boolean tooLong = false;
        boolean eof = false;
        try {
            while (true) {
                int newline = indexOf(buffer, start, end, (byte) '\n');
                if (newline < 0 && !eof) {
                    if (end - start > maxLineBytes) {
                        // The line cannot fit: drop what was read of it and skip to its end.
                        tooLong = true;
                        start = end;
                    }
                    if (start > 0) {
                        System.arraycopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    if (end == buffer.length) {
                        buffer = Arrays.copyOf(buffer, (int) Math.min(buffer.length * 2L, maxLineBytes + 1L));
                    }
                    int read = body.read(buffer, end, buffer.length - end);
                    if (read < 0) {
                        eof = true;
                    } else {
                        end += read;
                    }
                    continue;
                }
                int lineEnd = newline < 0 ? end : newline;
                if (tooLong || lineEnd - start > maxLineBytes) {
                    sink.reject(new RecordError(index, null, "line longer than " + maxLineBytes + " bytes"));
                    index++;
                } else if (!isBlank(buffer, start, lineEnd)) {
                    if (index >= maxRecords) {
                        return new Outcome(index, true, null);
                    }
                    parseLine(buffer, start, lineEnd - start, index, true, ids, sink);
                    index++;
                }
                tooLong = false;
                if (newline < 0) {
                    return new Outcome(index, false, null);
                }
                start = newline + 1;
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Parses one record given as a complete JSON document (a Kafka record value). Records are independent: no
     * duplicate-id check across calls, and a record without an id gets {@code defaultId}'s, computed only then.
     */
    public void parseRecord(byte[] json, int index, Supplier<String> defaultId, Sink sink) {
        parseLine(json, 0, json.length, index, false, defaultId, sink);
    }

    private void parseLine(byte[] data, int offset, int length, int index, boolean uniqueIds,
            Supplier<String> defaultId, Sink sink) {
        try (JsonParser p = mapper.createParser(data, offset, length)) {
            JsonToken token = p.nextToken();
            parseOne(p, token, index, uniqueIds, defaultId, sink);
            if (p.nextToken() != null) {
                sink.reject(new RecordError(index, null, "more than one JSON value on the line"));
            }
        } catch (StreamReadException ex) {
            sink.reject(new RecordError(index, null, "malformed JSON: " + message(ex)));
        }
    }

    private static int indexOf(byte[] data, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private void parseOne(JsonParser p, JsonToken token, int index, boolean uniqueIds, Supplier<String> defaultId,
            Sink sink) {
        if (token != JsonToken.START_OBJECT) {
            p.skipChildren();
            sink.reject(new RecordError(index, null, "a record must be a JSON object"));
            return;
        }
        String id = null;
        String label = null;
        Instant timestamp = null;
        Map<String, String> attributes = Map.of();
        boolean hasFeatures = false;
        RecordError error = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (error != null) {
                p.skipChildren();
                continue;
            }
            switch (name) {
                case "id" -> {
                    if (value != JsonToken.VALUE_STRING || !isValidId(p.getString())) {
                        error = new RecordError(index, "id", "id must be 1-128 characters of A-Z a-z 0-9 . _ : -");
                    } else {
                        id = p.getString();
                    }
                }
                case "features", "featuresBase64" -> {
                    if (hasFeatures) {
                        p.skipChildren();
                        error = new RecordError(index, name, "give features or featuresBase64, not both");
                    } else {
                        hasFeatures = true;
                        error = name.equals("features") ? parseFeatures(p, value, index)
                                : decodeFeatures(p, value, index);
                    }
                }
                case "label" -> {
                    if (value == JsonToken.VALUE_NULL) {
                        label = null;
                    } else if (value != JsonToken.VALUE_STRING && !value.isNumeric()) {
                        p.skipChildren();
                        error = new RecordError(index, "label", "label must be a string");
                    } else {
                        label = p.getString();
                        if (!labels.contains(label)) {
                            error = new RecordError(index, "label", "unknown label '" + abbreviate(label)
                                    + "'; the stream's labels are " + abbreviate(spec.labels().toString()));
                        }
                    }
                }
                case "timestamp" -> {
                    try {
                        if (value == JsonToken.VALUE_NUMBER_INT) {
                            timestamp = Instant.ofEpochMilli(p.getLongValue());
                        } else if (value == JsonToken.VALUE_STRING) {
                            timestamp = Instant.parse(p.getString());
                        } else if (value != JsonToken.VALUE_NULL) {
                            p.skipChildren();
                            error = new RecordError(index, "timestamp", "timestamp must be ISO-8601 or epoch millis");
                        }
                    } catch (DateTimeParseException | JacksonException ex) {
                        error = new RecordError(index, "timestamp", "timestamp must be ISO-8601 or epoch millis");
                    }
                }
                case "attributes" -> {
                    if (value == JsonToken.VALUE_NULL) {
                        continue;
                    }
                    if (value != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        error = new RecordError(index, "attributes", "attributes must be an object of strings");
                        continue;
                    }
                    Map<String, String> map = new LinkedHashMap<>();
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String key = p.currentName();
                        JsonToken v = p.nextToken();
                        if (v != JsonToken.VALUE_STRING || key.length() > 64 || p.getString().length() > 256) {
                            p.skipChildren();
                            error = new RecordError(index, "attributes." + abbreviate(key),
                                    "attribute keys are at most 64 characters, values strings of at most 256");
                        } else {
                            map.put(key, p.getString());
                        }
                    }
                    if (map.size() > MAX_ATTRIBUTES) {
                        error = new RecordError(index, "attributes", "at most " + MAX_ATTRIBUTES + " attributes");
                    }
                    attributes = map;
                }
                default -> {
                    p.skipChildren();
                    error = new RecordError(index, abbreviate(name), "unknown field");
                }
            }
        }
        if (error != null) {
            sink.reject(error);
            return;
        }
        if (!hasFeatures) {
            sink.reject(new RecordError(index, "features", "features are missing"));
            return;
        }
        if (label == null && spec.labelRequired()) {
            sink.reject(new RecordError(index, "label", "this stream requires a label on every sample"));
            return;
        }
        if (id == null) {
            id = defaultId.get();
        } else if (uniqueIds && !seenIds.add(id)) {
            sink.reject(new RecordError(index, "id", "duplicate id '" + id + "' in this request"));
            return;
        }
        sink.accept(index, new Sample(id, buffer.clone(), label, timestamp == null ? Instant.now() : timestamp,
                attributes));
    }

    /** Reads base64 little-endian float32 features (as predict accepts them) into {@link #buffer}. */
    private RecordError decodeFeatures(JsonParser p, JsonToken value, int index) {
        if (value != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return new RecordError(index, "featuresBase64", "featuresBase64 must be a base64 string of little-endian "
                    + "float32 values");
        }
        float[] values;
        try {
            values = Float32Base64.decode(p.getString());
        } catch (IllegalArgumentException ex) {
            return new RecordError(index, "featuresBase64", "not base64 of float32 values: "
                    + abbreviate(String.valueOf(ex.getMessage())));
        }
        if (values.length != featureCount) {
            return new RecordError(index, "featuresBase64", "expected " + featureCount + " float32 values for shape "
                    + spec.inputShape() + ", got " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return new RecordError(index, "featuresBase64[" + i + "]", "not a finite 32-bit float: " + values[i]);
            }
        }
        System.arraycopy(values, 0, buffer, 0, featureCount);
        return null;
    }

    /** Reads features into {@link #buffer}, flat or nested to the stream's shape. */
    private RecordError parseFeatures(JsonParser p, JsonToken first, int index) {
        if (first != JsonToken.START_ARRAY) {
            p.skipChildren();
            return new RecordError(index, "features", "features must be an array of numbers");
        }
        int[] position = {0};
        RecordError error = readLevel(p, index, 0, position, true);
        if (error == null && position[0] != featureCount) {
            return new RecordError(index, "features", "expected " + featureCount + " features for shape "
                    + spec.inputShape() + ", got " + position[0]);
        }
        return error;
    }

    private RecordError readLevel(JsonParser p, int index, int depth, int[] position, boolean maybeFlat) {
        int count = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.START_ARRAY) {
                if (depth + 1 >= shape.length) {
                    p.skipChildren();
                    skipRest(p);
                    return new RecordError(index, "features", "features are nested deeper than shape "
                            + spec.inputShape());
                }
                RecordError inner = readLevel(p, index, depth + 1, position, false);
                if (inner != null) {
                    skipRest(p);
                    return inner;
                }
            } else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                if (!maybeFlat && depth != shape.length - 1) {
                    skipRest(p);
                    return new RecordError(index, "features", "features must be nested to shape " + spec.inputShape()
                            + " or flat");
                }
                if (position[0] >= featureCount) {
                    skipRest(p);
                    return new RecordError(index, "features", "more than " + featureCount + " features for shape "
                            + spec.inputShape());
                }
                double v = p.getDoubleValue();
                float f = (float) v;
                if (!Float.isFinite(f)) {
                    skipRest(p);
                    return new RecordError(index, "features[" + position[0] + "]",
                            "not a finite 32-bit float: " + v);
                }
                buffer[position[0]++] = f;
            } else {
                p.skipChildren();
                int at = position[0];
                skipRest(p);
                return new RecordError(index, "features[" + at + "]", "expected a number, got "
                        + describe(t));
            }
            count++;
        }
        if (!maybeFlat || depth > 0) {
            int expected = shape[depth];
            if (count != expected) {
                return new RecordError(index, "features", "dimension " + depth + " has " + count
                        + " entries; shape " + spec.inputShape() + " needs " + expected);
            }
        }
        return null;
    }

    /** Skips to the end of the array the parser is in. */
    private static void skipRest(JsonParser p) {
        int depth = 1;
        while (depth > 0) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return;
            }
            if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
                depth++;
            } else if (t == JsonToken.END_ARRAY || t == JsonToken.END_OBJECT) {
                depth--;
            }
        }
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case VALUE_STRING -> "a string";
            case VALUE_NULL -> "null";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case START_OBJECT -> "an object";
            default -> String.valueOf(t);
        };
    }

    private static boolean isBlank(byte[] data, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] != ' ' && data[i] != '\t' && data[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /** 1-128 characters of {@code A-Z a-z 0-9 . _ : -} (a loop: the check runs once per record). */
    static boolean isValidId(String id) {
        int n = id.length();
        if (n < 1 || n > 128) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static String message(JacksonException ex) {
        String m = ex.getOriginalMessage();
        return m == null ? "syntax error" : abbreviate(m.lines().findFirst().orElse(m));
    }

    static String abbreviate(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "…" : clean;
    }

    /** Shape of one sample, for messages. */
    List<Integer> shape() {
        return spec.inputShape();
    }
}
