package io.perennial.local.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.perennial.client.PerennialClient;
import io.perennial.contracts.Float32Base64;
import io.perennial.contracts.SampleIds;
import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventCodec;
import io.perennial.contracts.events.SampleEvents;
import io.perennial.contracts.events.SampleEvents.Sample;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.embedded.FreePorts;
import io.perennial.embedded.KraftBroker;
import io.perennial.embedded.LocalPostgres;
import io.perennial.ingest.IngestApplication;
import io.perennial.ingest.sample.RecordError;
import io.perennial.ingest.sample.SampleParser;
import io.perennial.ingest.stream.StreamCatalog;
import io.perennial.local.ProcessMemory;
import io.perennial.support.kafka.KafkaEvents;
import io.perennial.support.security.ApiKeyService;
import io.perennial.support.service.PerennialServices;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.tools.ProducerPerformance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ./perennial bench ingest}: the ingest paths against Kafka's own ceiling, in one run on one broker.
 * <ol>
 * <li>(a) Kafka's {@code ProducerPerformance}, 100-byte records, {@code acks=all}: the raw producer ceiling;</li>
 * <li>(a') the payload's ceiling: the records (b) and (c) write, pre-encoded with their headers, from one producer
 * configured as ingest's;</li>
 * <li>(b) REST: NDJSON batches of 1,000 records of a 32-feature stream from concurrent senders ({@code --senders},
 * default 8), each batch answered only after the broker acknowledged it;</li>
 * <li>(b') the same with the features as {@code featuresBase64} (little-endian float32), which skips decimal
 * parsing;</li>
 * <li>(c) Kafka ingest: raw records on {@code perennial.ingest.bench}, validated and forwarded transactionally,
 * measured as the forwarder draining a backlog written while it was paused;</li>
 * <li>(c') the same while the external producer writes, from its first send to the last forwarded record.</li>
 * </ol>
 * Every path is warmed up first. Prints records/s, MB/s, request latency percentiles, the ratio of (b) and (c) to
 * (a), the peak resident memory of this JVM (broker + ingest-service + the load generator), and per path the
 * CPU time per 1,000 records of each component (ingest-service, broker, load generator, JVM), which is where the
 * comparison is decided on a machine whose cores the whole stack shares.
 */
public final class IngestBenchmark {

    private static final int FEATURES = 32;
    private static final int BATCH = 1000;
    private static final int DISTINCT_BODIES = 32;
    private static final String REST = "(b) REST NDJSON, 1,000 x 32 features";
    private static final String REST_BASE64 = "(b') REST NDJSON, 1,000 x 32 features as featuresBase64";

    public static void main(String[] args) throws Exception {
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        boolean quick = Arrays.asList(args).contains("--quick");
        Path out = Path.of(BenchArgs.option(args, "--out", "target/bench"));
        int records = Integer.parseInt(BenchArgs.option(args, "--records", quick ? "60000" : "300000"));
        int senders = Integer.parseInt(BenchArgs.option(args, "--senders", "8"));
        Files.createDirectories(out);
        Path dir = Files.createTempDirectory("perennial-bench-ingest");
        MemorySampler memory = new MemorySampler();
        memory.start();

        try (KraftBroker broker = KraftBroker.onFreePorts(dir.resolve("kafka")).start();
                LocalPostgres pg = LocalPostgres.onFreePort(dir.resolve("pg")).start()) {
            pg.createDatabaseIfMissing("perennial");
            int port = FreePorts.find();
            String password = "bench-" + Long.toHexString(new SplittableRandom().nextLong());
            ConfigurableApplicationContext ingest = PerennialServices.builder(IngestApplication.class,
                    IngestApplication.NAME).run("--server.port=" + port,
                    "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                    "--spring.datasource.url=" + pg.jdbcUrl("perennial"), "--spring.datasource.username=postgres",
                    "--perennial.security.bootstrap-admin-password=" + password, "--spring.main.banner-mode=off");
            try {
                URI base = URI.create("http://127.0.0.1:" + port);
                PerennialClient.builder(base).basic("admin", password).build().createStream(Map.of("name", "bench",
                        "inputShape", List.of(FEATURES), "labels", List.of("a", "b", "c", "d"), "partitions", 3));
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                    admin.createTopics(List.of(new NewTopic("perf", 3, (short) 1), new NewTopic("perf-samples", 3,
                            (short) 1))).all().get(30, TimeUnit.SECONDS);
                }
                // Machine clients use API keys (SHA-256, cached); Basic auth would add a bcrypt check per request.
                String auth = "Bearer " + ingest.getBean(ApiKeyService.class).issue("bench", null,
                        List.of("samples:write:bench"), null, "bench").secret();
                // Warm up the JIT of every path (the broker's too) before measuring any of them.
                // Per-request code (HTTP, security) runs once per 1,000 records: it needs the full count to be compiled.
                rest(base, auth, REST, bodies(records, 7), senders);
                rest(base, auth, REST_BASE64, asBase64(bodies(records / 2, 19)), senders);
                producerPerformance(broker.bootstrapServers(), records);
                MessageListenerContainer forwarder = ingest.getBean(KafkaListenerEndpointRegistry.class)
                        .getListenerContainer("ingest-forwarder");
                List<Result> results = new ArrayList<>();
                double floor;
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers(),
                        "client.id", "bench-admin"))) {
                    kafkaBacklog(admin, broker.bootstrapServers(), forwarder, kafkaValues(records, 5));
                    // Each path's records are made just before it runs, so only one set is in memory at a time.
                    // (a) is short and the most exposed to a GC or a background task landing in it: the median
                    // of three runs.
                    List<Result> raws = new ArrayList<>();
                    for (int run = 0; run < 3; run++) {
                        raws.add(producerPerformance(broker.bootstrapServers(), records));
                    }
                    raws.sort(Comparator.comparingDouble(Result::recordsPerSecond));
                    results.add(raws.get(1));
                    results.add(rawSamples(broker.bootstrapServers(), ingest.getBean(EventCodec.class), records));
                    results.add(rest(base, auth, REST, bodies(records, 11), senders));
                    results.add(rest(base, auth, REST_BASE64, asBase64(bodies(records, 17)), senders));
                    floor = parseAndEncodeFloor(ingest, bodies(records, 13));
                    results.add(kafkaBacklog(admin, broker.bootstrapServers(), forwarder, kafkaValues(records, 23)));
                    results.add(kafkaLive(admin, broker.bootstrapServers(), kafkaValues(records, 29)));
                }
                memory.stopSampling();
                var perTransaction = ingest.getBean(MeterRegistry.class)
                        .find("perennial.ingest.forwarder.transaction.records").summary();
                System.out.printf(Locale.ROOT, "forwarder: %,d transactions, %.0f records each on average, at most %.0f%n",
                        perTransaction.count(), perTransaction.mean(), perTransaction.max());
                String table = table(records, results, memory.peakJvm(), floor);
                System.out.print(table);
                Files.writeString(out.resolve("ingest.md"), table);
                System.out.println("Wrote " + out.resolve("ingest.md"));
            } finally {
                ingest.close();
            }
        }
        System.exit(0);
    }

    /** One measured path, and where this JVM's CPU went while it ran. */
    record Result(String name, long records, long bytes, double seconds, double p50Millis, double p99Millis,
            Map<String, Double> cpuSeconds) {
        double recordsPerSecond() {
            return records / seconds;
        }

        double megabytesPerSecond() {
            return bytes / seconds / (1024 * 1024);
        }
    }

    /** The component a thread of this one-process stack belongs to. */
    static String component(String thread) {
        if (thread.startsWith("http-nio") || thread.startsWith("ingest-forwarder")
                || thread.contains("| " + IngestApplication.NAME) || thread.startsWith(IngestApplication.NAME)) {
            return "ingest-service";
        }
        if (thread.equals("main") || thread.startsWith("pool-") || thread.startsWith("HttpClient")
                || thread.contains("| perf-producer") || thread.contains("| bench-") || thread.equals("rss-sampler")) {
            return "load generator";
        }
        return "broker";
    }

    private static Result producerPerformance(String bootstrap, int records) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        CpuAccount cpu = CpuAccount.start(IngestBenchmark::component);
        try {
            ProducerPerformance.main(new String[] {"--topic", "perf", "--num-records", String.valueOf(records),
                    "--record-size", "100", "--throughput", "-1", "--producer-props",
                    "bootstrap.servers=" + bootstrap, "acks=all", "batch.size=65536", "linger.ms=5"});
        } finally {
            System.setOut(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms "
                + "avg latency, ([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th")
                .matcher(text);
        String last = null;
        while (m.find()) {
            last = m.group();
        }
        if (last == null) {
            throw new IllegalStateException("unexpected ProducerPerformance output: " + text);
        }
        m = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec.* (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th")
                .matcher(last);
        m.find();
        long sent = Long.parseLong(m.group(1));
        double rate = Double.parseDouble(m.group(2));
        return new Result("(a) Kafka ProducerPerformance, 100 B (median of 3)", sent, sent * 100, sent / rate,
                Double.parseDouble(m.group(3)), Double.parseDouble(m.group(5)), cpu.stop());
    }

    /**
     * NDJSON bodies of {@link #BATCH} records for {@code records} records in all. At most {@link #DISTINCT_BODIES}
     * are distinct and then reused (ids need only be unique within a request), so the load generator's data does
     * not inflate the memory this benchmark reports.
     */
    private static List<byte[]> bodies(int records, long seed) {
        List<byte[]> distinct = distinctBodies(Math.min(records, DISTINCT_BODIES * BATCH), seed);
        List<byte[]> bodies = new ArrayList<>();
        for (int start = 0, i = 0; start < records; start += BATCH, i++) {
            bodies.add(distinct.get(i % distinct.size()));
        }
        return bodies;
    }

    private static List<byte[]> distinctBodies(int records, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<byte[]> bodies = new ArrayList<>();
        String[] labels = {"a", "b", "c", "d"};
        for (int start = 0; start < records; start += BATCH) {
            StringBuilder sb = new StringBuilder(BATCH * 300);
            for (int i = start; i < Math.min(records, start + BATCH); i++) {
                sb.append("{\"id\":\"r").append(seed).append('-').append(i).append("\",\"features\":[");
                for (int f = 0; f < FEATURES; f++) {
                    if (f > 0) {
                        sb.append(',');
                    }
                    appendFixed4(sb, random.nextGaussian());
                }
                sb.append("],\"label\":\"").append(labels[i % 4]).append("\"}\n");
            }
            bodies.add(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        return bodies;
    }

    /** The same records with their features as {@code featuresBase64} (little-endian float32). */
    private static List<byte[]> asBase64(List<byte[]> bodies) {
        Map<byte[], byte[]> converted = new IdentityHashMap<>();
        JsonMapper mapper = JsonMapper.builder().build();
        List<byte[]> out = new ArrayList<>();
        for (byte[] body : bodies) {
            out.add(converted.computeIfAbsent(body, b -> {
                StringBuilder sb = new StringBuilder();
                for (String line : new String(b, StandardCharsets.UTF_8).split("\n")) {
                    ObjectNode record = (ObjectNode) mapper
                            .readTree(line);
                    float[] features = new float[FEATURES];
                    for (int f = 0; f < FEATURES; f++) {
                        features[f] = record.get("features").get(f).floatValue();
                    }
                    record.remove("features");
                    record.put("featuresBase64", Float32Base64.encode(features));
                    sb.append(mapper.writeValueAsString(record)).append('\n');
                }
                return sb.toString().getBytes(StandardCharsets.UTF_8);
            }));
        }
        return out;
    }

    /** {@code String.format("%.4f")} without its cost: the load generator writes millions of these. */
    static void appendFixed4(StringBuilder sb, double value) {
        long scaled = Math.round(value * 10_000);
        if (scaled < 0) {
            sb.append('-');
            scaled = -scaled;
        }
        sb.append(scaled / 10_000).append('.');
        String fraction = Long.toString(scaled % 10_000);
        sb.append("0000", 0, 4 - fraction.length()).append(fraction);
    }

    private static Result rest(URI base, String auth, String name, List<byte[]> bodies, int senders)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        CpuAccount cpu = CpuAccount.start(IngestBenchmark::component);
        long t0 = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            futures.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < bodies.size()) {
                    byte[] body = bodies.get(i);
                    long start = System.nanoTime();
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(
                            "/v1/streams/bench/samples")).header("Authorization", auth)
                            .header("Content-Type", "application/x-ndjson")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    latencies.add((System.nanoTime() - start) / 1e6);
                    if (response.statusCode() != 202) {
                        throw new IllegalStateException("ingest answered " + response.statusCode() + ": "
                                + response.body());
                    }
                    Matcher m = Pattern.compile("\"accepted\":(\\d+)").matcher(response.body());
                    m.find();
                    accepted.addAndGet(Long.parseLong(m.group(1)));
                    bytes.addAndGet(body.length);
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new Result(name + ", " + senders + " senders", accepted.get(),
                bytes.get(), seconds, percentile(sorted, 0.50), percentile(sorted, 0.99), cpu.stop());
    }

    /**
     * CPU ms per 1,000 records of the per-record work ingest cannot avoid (parse, validate, encode for the topic),
     * measured on this thread after a warm-up pass: what no transport or tuning can go below.
     */
    private static double parseAndEncodeFloor(ConfigurableApplicationContext ingest, List<byte[]> bodies) {
        StreamSpec spec = ingest.getBean(StreamCatalog.class).require("bench");
        EventCodec codec = ingest.getBean(EventCodec.class);
        JsonMapper mapper = JsonMapper.builder().build();
        long[] encoded = new long[1];
        SampleParser.Sink sink = new SampleParser.Sink() {
            @Override
            public void accept(int index, Sample sample) {
                encoded[0] += codec.encode(sample).length;
            }

            @Override
            public void reject(RecordError error) {
                throw new IllegalStateException("benchmark record rejected: " + error);
            }
        };
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = 0;
        int records = 0;
        for (int pass = 0; pass < 2; pass++) {
            long start = threads.getCurrentThreadCpuTime();
            for (byte[] body : bodies) {
                new SampleParser(mapper, spec, BATCH, 1 << 20, SampleIds::next)
                        .parseNdjson(new ByteArrayInputStream(body), sink);
            }
            cpu = threads.getCurrentThreadCpuTime() - start;
            records = bodies.size() * BATCH;
        }
        return cpu / 1e6 / records * 1000;
    }

    /** Raw JSON records, one per Kafka record value, as an external producer would write them. */
    private static List<byte[]> kafkaValues(int records, long seed) {
        List<byte[]> distinct = new ArrayList<>();
        for (byte[] body : distinctBodies(Math.min(records, DISTINCT_BODIES * BATCH), seed)) {
            for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
                distinct.add(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        List<byte[]> values = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            values.add(distinct.get(i % distinct.size()));
        }
        return values;
    }

    /**
     * (c): the forwarder's own throughput. The records are written while the forwarder is paused, then the time from
     * resuming it to the last forwarded record is measured, so the external producer's CPU is not counted (in a
     * deployment producers run elsewhere).
     */
    private static Result kafkaBacklog(Admin admin, String bootstrap, MessageListenerContainer forwarder,
            List<byte[]> values) throws Exception {
        forwarder.pause();
        long pauseDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!forwarder.isContainerPaused() && System.nanoTime() < pauseDeadline) {
            Thread.sleep(20);
        }
        if (!forwarder.isContainerPaused()) {
            forwarder.resume();
            throw new IllegalStateException("the forwarder did not pause");
        }
        long before = endOffsets(admin, Topics.samples("bench"));
        produce(bootstrap, values);
        CpuAccount cpu = CpuAccount.start(IngestBenchmark::component);
        long t0 = System.nanoTime();
        forwarder.resume();
        double seconds = awaitForwarded(admin, before, values.size(), t0);
        return new Result("(c) Kafka ingest, forwarded exactly once (backlog)", values.size(), bytes(values), seconds,
                Double.NaN, Double.NaN, cpu.stop());
    }

    /** (c'): producing and forwarding at once, from the first send to the last forwarded record. */
    private static Result kafkaLive(Admin admin, String bootstrap, List<byte[]> values) throws Exception {
        long before = endOffsets(admin, Topics.samples("bench"));
        CpuAccount cpu = CpuAccount.start(IngestBenchmark::component);
        long t0 = System.nanoTime();
        produce(bootstrap, values);
        double seconds = awaitForwarded(admin, before, values.size(), t0);
        return new Result("(c') Kafka ingest while the producer writes", values.size(), bytes(values), seconds,
                Double.NaN, Double.NaN, cpu.stop());
    }

    /**
     * (a'): the payload's own ceiling. The records (b) and (c) write, already encoded with their CloudEvents headers,
     * sent by one producer configured as ingest's (acks=all, idempotent, lz4): what writing them costs with no HTTP,
     * parsing, validation or encoding.
     */
    private static Result rawSamples(String bootstrap, EventCodec codec, int records) throws Exception {
        SplittableRandom random = new SplittableRandom(31);
        List<byte[]> values = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < DISTINCT_BODIES * BATCH; i++) {
            float[] features = new float[FEATURES];
            for (int f = 0; f < FEATURES; f++) {
                features[f] = Math.round(random.nextGaussian() * 10_000) / 10_000f;
            }
            ids.add(SampleIds.next());
            values.add(codec.encode(new Sample(ids.get(i), features, "a", Instant.now(), Map.of())));
        }
        KafkaEvents.HeaderTemplate headers = KafkaEvents.template(URI.create("/perennial/ingest-service"),
                SampleEvents.SAMPLE_TYPE, "bench");
        AtomicLong failed = new AtomicLong();
        long bytes = 0;
        CpuAccount cpu = CpuAccount.start(IngestBenchmark::component);
        long t0 = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "client.id", "bench-raw-samples", "acks", "all", "enable.idempotence", true, "linger.ms", 5,
                "batch.size", 262144, "compression.type", "lz4", "buffer.memory", 128L * 1024 * 1024),
                new StringSerializer(), new ByteArraySerializer())) {
            Instant now = Instant.now();
            for (int i = 0; i < records; i++) {
                byte[] value = values.get(i % values.size());
                String id = ids.get(i % ids.size());
                bytes += value.length;
                producer.send(new ProducerRecord<>("perf-samples", null, id, value, headers.headers(id, now)),
                        (m, ex) -> {
                            if (ex != null) {
                                failed.incrementAndGet();
                            }
                        });
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " raw sample records failed");
        }
        return new Result("(a') producer alone, the same 32-feature records pre-encoded", records, bytes, seconds,
                Double.NaN, Double.NaN, cpu.stop());
    }

    private static void produce(String bootstrap, List<byte[]> values) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "client.id", "bench-loader", "acks", "all", "linger.ms", 5, "batch.size", 262144,
                "compression.type", "lz4"), new StringSerializer(), new ByteArraySerializer())) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(Topics.ingest("bench"), null, value));
            }
        }
    }

    /**
     * Seconds from {@code t0} until the samples topic holds every record. Transactional writes leave a commit marker
     * per transaction in the log, so offsets run ahead of records: done when the offsets cover every record and
     * stopped moving. The last poll interval, spent confirming that, is not counted.
     */
    private static double awaitForwarded(Admin admin, long before, int records, long t0) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        long last = -1;
        long lastChange = t0;
        while (true) {
            long now = endOffsets(admin, Topics.samples("bench")) - before;
            if (now >= records && now == last) {
                // One commit marker per partition a transaction wrote to.
                System.out.printf(Locale.ROOT, "forwarded %,d records with %,d transaction markers (%,.0f records per "
                        + "marker)%n", records, now - records, records / (double) Math.max(1, now - records));
                return (lastChange - t0) / 1e9;
            }
            if (now != last) {
                lastChange = System.nanoTime();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("forwarding did not finish: " + now + " of " + records);
            }
            last = now;
            Thread.sleep(50);
        }
    }

    private static long bytes(List<byte[]> values) {
        return values.stream().mapToLong(v -> v.length).sum();
    }

    private static long endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(request).all().get().values().stream().mapToLong(i -> i.offset()).sum();
    }

    private static double percentile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    /** The result whose name starts with the path's label, e.g. {@code (b)}. */
    private static Result path(List<Result> results, String label) {
        return results.stream().filter(r -> r.name().startsWith(label + " ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no result for " + label));
    }

    private static String table(int records, List<Result> results, long peakJvm, double floor) {
        Result raw = path(results, "(a)");
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n## Ingest benchmark (%,d records per path, one embedded broker, %d cores)%n%n",
                records, Runtime.getRuntime().availableProcessors()));
        Result payload = path(results, "(a')");
        b.append("| path | records/s | MB/s | p50 ms | p99 ms | records/s vs (a) | vs (a') |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            b.append(String.format(Locale.ROOT, "| %s | %,.0f | %.1f | %s | %s | %.2f | %.2f |%n", r.name(),
                    r.recordsPerSecond(), r.megabytesPerSecond(), fmt(r.p50Millis()), fmt(r.p99Millis()),
                    r.recordsPerSecond() / raw.recordsPerSecond(), r.recordsPerSecond() / payload.recordsPerSecond()));
        }
        b.append(String.format(Locale.ROOT, "%nTargets: REST >= 0.50 of (a): %s; Kafka ingest (c) >= 0.70 of (a): %s; "
                + "peak resident memory of the JVM (broker + ingest-service + the benchmark's clients and data): %d MiB "
                + "(target < 1024).%n"
                + "Latencies of (b) are per request of 1,000 records; (a)'s are per record.%n",
                verdict(path(results, "(b)").recordsPerSecond() / raw.recordsPerSecond(), 0.5),
                verdict(path(results, "(c)").recordsPerSecond() / raw.recordsPerSecond(), 0.7),
                peakJvm / (1024 * 1024)));
        double ceiling = Runtime.getRuntime().availableProcessors() * 1e6 / floor;
        b.append(String.format(Locale.ROOT, "Floor: parsing, validating and encoding the records of (b) alone, on one "
                + "thread with no HTTP and no Kafka, takes %.1f ms CPU per 1,000 records (%.1f for all of (a), broker "
                + "included): with every core doing only that, %,.0f records/s, %.2f of (a).%n",
                floor, raw.cpuSeconds().values().stream().mapToDouble(Double::doubleValue).sum() * 1e6 / raw.records(),
                ceiling, ceiling / raw.recordsPerSecond()));
        List<String> groups = List.of("ingest-service", "broker", "load generator", CpuAccount.GC, CpuAccount.JIT, CpuAccount.OTHER);
        b.append("\n### Where the CPU went (CPU ms per 1,000 records, this JVM; cores busy = CPU time / wall time)\n\n");
        b.append("| path | ").append(String.join(" | ", groups)).append(" | total | cores busy |\n|---|");
        b.append("---|".repeat(groups.size() + 2)).append('\n');
        for (Result r : results) {
            double total = r.cpuSeconds().values().stream().mapToDouble(Double::doubleValue).sum();
            b.append("| ").append(r.name().substring(0, r.name().indexOf(')') + 1)).append(" | ");
            for (String g : groups) {
                b.append(String.format(Locale.ROOT, "%.1f | ", 1e6 * r.cpuSeconds().getOrDefault(g, 0.0)
                        / r.records()));
            }
            b.append(String.format(Locale.ROOT, "%.1f | %.2f |%n", 1e6 * total / r.records(), total / r.seconds()));
        }
        return b.toString();
    }

    private static String verdict(double ratio, double target) {
        return String.format(Locale.ROOT, "%.2f (%s)", ratio, ratio >= target ? "met" : "not met");
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f", v);
    }

    /** Samples the resident memory of this JVM. */
    private static final class MemorySampler extends Thread {
        private volatile boolean running = true;
        private volatile long peakJvm;

        MemorySampler() {
            super("rss-sampler");
            setDaemon(true);
        }

        @Override
        public void run() {
            while (running) {
                peakJvm = Math.max(peakJvm, ProcessMemory.residentBytesOfThisProcess());
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ex) {
                    return;
                }
            }
        }

        void stopSampling() {
            running = false;
        }

        long peakJvm() {
            return peakJvm;
        }
    }
}
