package io.perennial.ingest.sample;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.perennial.contracts.SampleIds;
import io.perennial.contracts.events.EventCodec;
import io.perennial.contracts.events.SampleEvents.Sample;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.ingest.IngestProperties;
import io.perennial.ingest.stream.StreamCatalog;
import io.perennial.support.web.ApiException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Validates a request's records as they stream in and writes the valid ones to the stream's samples topic. The
 * answer is given only after the broker acknowledged every written record, and it accounts for every record: written
 * ({@code accepted}), invalid ({@code rejected}) or not acknowledged ({@code failed}).
 *
 * <p>Default mode accepts the good records of a batch and reports the bad ones. {@code atomic} mode validates the
 * whole body first and writes nothing if any record is invalid.
 */
@Service
public class SampleIngestService {

    private final StreamCatalog streams;
    private final SampleProducer producer;
    private final InFlightLimiter inFlight;
    private final RateLimiter rateLimiter;
    private final IngestProperties properties;
    private final EventCodec codec;
    private final JsonMapper mapper = JsonMapper.builder().build();
    private final MeterRegistry meters;
    private final Counter bytes;

    public SampleIngestService(StreamCatalog streams, SampleProducer producer, InFlightLimiter inFlight,
            RateLimiter rateLimiter, IngestProperties properties, EventCodec codec, MeterRegistry meters) {
        this.streams = streams;
        this.producer = producer;
        this.inFlight = inFlight;
        this.rateLimiter = rateLimiter;
        this.properties = properties;
        this.codec = codec;
        this.meters = meters;
        this.bytes = Counter.builder("perennial.ingest.bytes").description("Sample bytes written").register(meters);
    }

    /** Ingests one request body. */
    public IngestResult ingest(String stream, InputStream body, boolean ndjson, boolean atomic, String caller) {
        StreamSpec spec = streams.require(stream);
        long wait = rateLimiter.admit(caller);
        if (wait > 0) {
            throw ApiException.tooManyRequests("rate limit exceeded for " + caller, wait);
        }
        if (inFlight.saturated()) {
            throw ApiException.tooManyRequests("ingest is at capacity; retry shortly", 1);
        }
        Batch batch = new Batch(stream, atomic);
        SampleParser parser = new SampleParser(mapper, spec, properties.getMaxRecordsPerRequest(),
                (int) properties.getMaxRecordSize().toBytes(), SampleIds::next);
        SampleParser.Outcome outcome = ndjson ? parser.parseNdjson(body, batch) : parser.parseArray(body, batch);
        if (outcome.syntaxError() != null) {
            batch.reject(outcome.syntaxError());
        }
        if (outcome.truncated()) {
            batch.reject(new RecordError(outcome.records(), null, "more than " + properties.getMaxRecordsPerRequest()
                    + " records in one request; the rest was not read"));
        }
        if (atomic && batch.rejected > 0) {
            count(stream, 0, batch.rejected, 0);
            throw problem(ApiException.badRequest("atomic request rejected: " + batch.rejected
                    + " invalid record(s); nothing was written"), batch, Map.of());
        }
        if (atomic) {
            batch.sendBuffered();
        }
        Map<Integer, long[]> offsets = batch.awaitAcks();
        rateLimiter.charge(caller, batch.sent);
        count(stream, batch.accepted, batch.rejected, batch.failed);
        if (batch.accepted + batch.rejected + batch.failed == 0) {
            throw ApiException.badRequest("the body contains no records");
        }
        if (batch.failed > 0) {
            ApiException ex = batch.overloaded ? ApiException.tooManyRequests(batch.failed
                    + " record(s) were not written because ingest is at capacity; resend them", 2)
                    : ApiException.unavailable(batch.failed + " record(s) were not acknowledged by the broker; "
                            + "resend them with the same ids", 5);
            throw problem(ex, batch, offsets);
        }
        if (batch.accepted == 0 || outcome.syntaxError() != null) {
            throw problem(ApiException.badRequest(batch.accepted == 0 ? "no record was valid; nothing was written"
                    : "the body is malformed after record " + (outcome.syntaxError().index() - 1)
                            + "; the records before it were written"), batch, offsets);
        }
        return new IngestResult(stream, batch.accepted, batch.rejected, 0, batch.errors, offsets);
    }

    private ApiException problem(ApiException ex, Batch batch, Map<Integer, long[]> offsets) {
        return ex.with("stream", batch.stream).with("accepted", batch.accepted).with("rejected", batch.rejected)
                .with("failed", batch.failed).with("errors", batch.errors).with("offsets", offsets);
    }

    private void count(String stream, int accepted, int rejected, int failed) {
        if (accepted > 0) {
            meters.counter("perennial.ingest.records", "stream", stream, "outcome", "accepted").increment(accepted);
        }
        if (rejected > 0) {
            meters.counter("perennial.ingest.records", "stream", stream, "outcome", "rejected").increment(rejected);
        }
        if (failed > 0) {
            meters.counter("perennial.ingest.records", "stream", stream, "outcome", "failed").increment(failed);
        }
    }

    /** The records of one request as they are parsed, sent and acknowledged. */
    private final class Batch implements SampleParser.Sink {
        final String stream;
        final boolean atomic;
        final List<RecordError> errors = Collections.synchronizedList(new ArrayList<>());
        final List<Ack> pending = new ArrayList<>();
        final List<Object[]> buffered = new ArrayList<>();
        int accepted;
        int rejected;
        int failed;
        // Written by the request thread, read by callbacks: a callback may see an older count, which is never
        // larger, so "acknowledged >= sent" still wakes the waiter when the last answer arrives.
        volatile int sent;
        int acknowledged;
        boolean overloaded;

        Batch(String stream, boolean atomic) {
            this.stream = stream;
            this.atomic = atomic;
        }

        @Override
        public void accept(int index, Sample sample) {
            byte[] value = codec.encode(sample);
            if (atomic) {
                buffered.add(new Object[] {index, sample, value});
            } else {
                send(index, sample, value);
            }
        }

        @Override
        public void reject(RecordError error) {
            rejected++;
            addError(error);
        }

        void sendBuffered() {
            for (Object[] b : buffered) {
                send((Integer) b[0], (Sample) b[1], (byte[]) b[2]);
            }
            buffered.clear();
        }

        private void send(int index, Sample sample, byte[] value) {
            if (overloaded || !inFlight.acquire(value.length)) {
                overloaded = true;
                failed++;
                addError(new RecordError(index, null, "not written: ingest is at capacity"));
                return;
            }
            sent++;
            Ack ack = new Ack(this, index, value.length);
            pending.add(ack);
            producer.send(stream, sample.id(), sample.timestamp(), value, ack);
        }

        /** Called by each {@link Ack} once, on the producer's I/O thread. */
        synchronized void acknowledged() {
            acknowledged++;
            if (acknowledged >= sent) {
                notifyAll();
            }
        }

        /** Waits for the broker's answer to every sent record, then accounts for each in order. */
        Map<Integer, long[]> awaitAcks() {
            long deadline = System.nanoTime() + properties.getAckTimeout().toNanos();
            boolean interrupted = false;
            synchronized (this) {
                long left;
                while (acknowledged < sent && (left = deadline - System.nanoTime()) > 0) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException ex) {
                        interrupted = true;
                        break;
                    }
                }
            }
            Map<Integer, long[]> offsets = new TreeMap<>();
            for (Ack ack : pending) {
                if (!ack.done) {
                    failed++;
                    addError(new RecordError(ack.index, null, interrupted
                            ? "interrupted before the broker acknowledged"
                            : "not acknowledged by the broker within " + properties.getAckTimeout()));
                } else if (ack.error != null) {
                    failed++;
                    meters.counter("perennial.ingest.producer.errors", "stream", stream).increment();
                    addError(new RecordError(ack.index, null, "not acknowledged by the broker: "
                            + SampleParser.abbreviate(String.valueOf(rootMessage(ack.error)))));
                } else {
                    accepted++;
                    bytes.increment(ack.bytes);
                    long[] range = offsets.get(ack.partition);
                    if (range == null) {
                        offsets.put(ack.partition, new long[] {ack.offset, ack.offset});
                    } else {
                        range[0] = Math.min(range[0], ack.offset);
                        range[1] = Math.max(range[1], ack.offset);
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return offsets;
        }

        private void addError(RecordError error) {
            if (errors.size() < properties.getMaxReportedErrors()) {
                errors.add(error);
            }
        }
    }

    /** The broker's answer to one record; {@code done} is written last, so a reader that sees it sees the rest. */
    private final class Ack implements Callback {
        final Batch batch;
        final int index;
        final int bytes;
        int partition;
        long offset;
        Exception error;
        volatile boolean done;

        Ack(Batch batch, int index, int bytes) {
            this.batch = batch;
            this.index = index;
            this.bytes = bytes;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            inFlight.release(bytes);
            if (exception == null) {
                partition = metadata.partition();
                offset = metadata.offset();
            } else {
                error = exception;
            }
            done = true;
            batch.acknowledged();
        }
    }

    private static String rootMessage(Throwable ex) {
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
