package io.perennial.local.bench;

import io.perennial.client.PerennialClient;
import io.perennial.contracts.Topics;
import io.perennial.embedded.FreePorts;
import io.perennial.embedded.KraftBroker;
import io.perennial.embedded.LocalPostgres;
import io.perennial.ingest.IngestApplication;
import io.perennial.local.ProcessMemory;
import io.perennial.support.security.ApiKeyService;
import io.perennial.support.service.PerennialServices;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
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

/**
 * {@code ./perennial bench ingest}: the ingest paths against Kafka's own ceiling, in one run on one broker.
 * <ol>
 * <li>(a) Kafka's {@code ProducerPerformance}, 100-byte records, {@code acks=all}: the raw producer ceiling;</li>
 * <li>(b) REST: NDJSON batches of 1,000 records of a 32-feature stream from concurrent senders ({@code --senders},
 * default 8), each batch answered only after the broker acknowledged it;</li>
 * <li>(c) Kafka ingest: raw records on {@code perennial.ingest.bench}, validated and forwarded transactionally.</li>
 * </ol>
 * Prints records/s, MB/s, request latency percentiles, the ratio of (b) and (c) to (a), and the peak resident memory
 * of this process (broker + ingest-service + embedded PostgreSQL).
 */
public final class IngestBenchmark {

    private static final int FEATURES = 32;
    private static final int BATCH = 1000;

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
                    admin.createTopics(List.of(new NewTopic("perf", 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
                }
                // Machine clients use API keys (SHA-256, cached); Basic auth would add a bcrypt check per request.
                String auth = "Bearer " + ingest.getBean(ApiKeyService.class).issue("bench", null,
                        List.of("samples:write:bench"), null, "bench").secret();
                // Warm up the JIT of every path before measuring.
                rest(base, auth, bodies(BATCH * 8, 7), senders);
                Result raw = producerPerformance(broker.bootstrapServers(), records);
                Result rest = rest(base, auth, bodies(records, 11), senders);
                Result kafka = kafkaIngest(broker.bootstrapServers(), records);
                memory.stopSampling();
                String table = table(records, raw, rest, kafka, memory.peak());
                System.out.print(table);
                Files.writeString(out.resolve("ingest.md"), table);
                System.out.println("Wrote " + out.resolve("ingest.md"));
            } finally {
                ingest.close();
            }
        }
        System.exit(0);
    }

    /** One measured path. */
    record Result(String name, long records, long bytes, double seconds, double p50Millis, double p99Millis) {
        double recordsPerSecond() {
            return records / seconds;
        }

        double megabytesPerSecond() {
            return bytes / seconds / (1024 * 1024);
        }
    }

    private static Result producerPerformance(String bootstrap, int records) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
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
        return new Result("(a) Kafka ProducerPerformance, 100 B", sent, sent * 100, sent / rate,
                Double.parseDouble(m.group(3)), Double.parseDouble(m.group(5)));
    }

    private static List<byte[]> bodies(int records, long seed) {
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
                    sb.append(String.format(Locale.ROOT, "%.4f", random.nextGaussian()));
                }
                sb.append("],\"label\":\"").append(labels[i % 4]).append("\"}\n");
            }
            bodies.add(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        return bodies;
    }

    private static Result rest(URI base, String auth, List<byte[]> bodies, int senders) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(senders);
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
        return new Result("(b) REST NDJSON, 1,000 x 32 features, " + senders + " senders", accepted.get(), bytes.get(), seconds,
                percentile(sorted, 0.50), percentile(sorted, 0.99));
    }

    private static Result kafkaIngest(String bootstrap, int records) throws Exception {
        List<byte[]> values = new ArrayList<>(records);
        for (byte[] body : bodies(records, 23)) {
            for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
                values.add(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        long bytes = values.stream().mapToLong(v -> v.length).sum();
        // One admin client for the whole measurement: creating one per check costs CPU the forwarder needs.
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            return kafkaIngest(admin, bootstrap, values, bytes);
        }
    }

    private static Result kafkaIngest(Admin admin, String bootstrap, List<byte[]> values, long bytes)
            throws Exception {
        int records = values.size();
        long before = endOffsets(admin, Topics.samples("bench"));
        long t0 = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "acks", "all", "linger.ms", 5, "batch.size", 262144, "compression.type", "lz4"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(Topics.ingest("bench"), null, value));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        // Transactional writes leave a commit marker per transaction in the log, so offsets run ahead of records;
        // the forwarder is done when the offsets stop moving and cover at least every record.
        long last = -1;
        long now;
        while (true) {
            now = endOffsets(admin, Topics.samples("bench")) - before;
            if (now >= records && now == last) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("forwarding did not finish: " + now + " of " + records);
            }
            last = now;
            Thread.sleep(200);
        }
        double seconds = (System.nanoTime() - t0) / 1e9 - 0.2;
        return new Result("(c) Kafka ingest, forwarded exactly once", records, bytes, seconds, Double.NaN,
                Double.NaN);
    }

    private static long endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
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

    private static String table(int records, Result raw, Result rest, Result kafka, long peakRss) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n## Ingest benchmark (%,d records per path, one embedded broker, %d cores)%n%n",
                records, Runtime.getRuntime().availableProcessors()));
        b.append("| path | records/s | MB/s | p50 ms | p99 ms | records/s vs (a) |\n|---|---|---|---|---|---|\n");
        for (Result r : List.of(raw, rest, kafka)) {
            b.append(String.format(Locale.ROOT, "| %s | %,.0f | %.1f | %s | %s | %.2f |%n", r.name(),
                    r.recordsPerSecond(), r.megabytesPerSecond(), fmt(r.p50Millis()), fmt(r.p99Millis()),
                    r.recordsPerSecond() / raw.recordsPerSecond()));
        }
        b.append(String.format(Locale.ROOT, "%nTargets: REST >= 0.50 of (a): %s; Kafka ingest >= 0.70 of (a): %s; "
                + "peak resident memory (broker + ingest-service + PostgreSQL, one JVM plus PostgreSQL): %d MiB "
                + "(target < 1024 for the JVM).%n"
                + "Latencies of (b) are per request of 1,000 records; (a)'s are per record.%n",
                verdict(rest.recordsPerSecond() / raw.recordsPerSecond(), 0.5),
                verdict(kafka.recordsPerSecond() / raw.recordsPerSecond(), 0.7), peakRss / (1024 * 1024)));
        return b.toString();
    }

    private static String verdict(double ratio, double target) {
        return String.format(Locale.ROOT, "%.2f (%s)", ratio, ratio >= target ? "met" : "not met");
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f", v);
    }

    /** Samples the resident memory of this process and its children. */
    private static final class MemorySampler extends Thread {
        private volatile boolean running = true;
        private volatile long peak;

        MemorySampler() {
            super("rss-sampler");
            setDaemon(true);
        }

        @Override
        public void run() {
            while (running) {
                peak = Math.max(peak, ProcessMemory.residentBytes());
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

        long peak() {
            return peak;
        }
    }
}
