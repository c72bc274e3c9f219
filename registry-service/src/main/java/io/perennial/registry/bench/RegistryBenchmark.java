package io.perennial.registry.bench;

import io.perennial.embedded.FreePorts;
import io.perennial.embedded.KraftBroker;
import io.perennial.embedded.LocalPostgres;
import io.perennial.registry.RegistryApplication;
import io.perennial.support.security.ApiKeyService;
import io.perennial.support.security.Role;
import io.perennial.support.service.PerennialServices;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code ./perennial bench registry}: registry-service on an embedded PostgreSQL and KRaft broker, measured over
 * HTTP on one machine.
 * <ol>
 * <li>registers N versions (versions 1..101 a parent chain, the rest children of random chain members) and one
 * evaluation report per version;</li>
 * <li>version listing: pages of 50 at random offsets (and filtered by kind) — p50/p99;</li>
 * <li>lineage of version 101 (100 ancestors) — p50/p99;</li>
 * <li>artifact upload and download of a random file vs {@code Files.copy} of the same file on the same disk
 * (MB/s and the ratio);</li>
 * <li>a large generated artifact streamed up and down while the JVM heap is sampled: the heap must stay flat.</li>
 * </ol>
 * {@code --quick}: 1,000 versions, 100 MB and 200 MB artifacts (under two minutes on a 2-core machine); default:
 * 10,000 versions, 100 MB and 1 GB. {@code --versions N}, {@code --file-mb N}, {@code --stream-mb N} override;
 * {@code --out DIR} receives {@code registry.md}.
 */
public final class RegistryBenchmark {

    private static final int PAGE = 50;

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;
    private final String auth;

    private RegistryBenchmark(URI base, String auth) {
        this.base = base;
        this.auth = auth;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        boolean quick = Arrays.asList(args).contains("--quick");
        int versions = Integer.parseInt(option(args, "--versions", quick ? "1000" : "10000"));
        int fileMb = Integer.parseInt(option(args, "--file-mb", "100"));
        int streamMb = Integer.parseInt(option(args, "--stream-mb", quick ? "200" : "1024"));
        Path out = Path.of(option(args, "--out", "target/bench"));
        Files.createDirectories(out);
        Path dir = Files.createTempDirectory("perennial-bench-registry");
        long started = System.nanoTime();
        try (KraftBroker broker = KraftBroker.onFreePorts(dir.resolve("kafka")).start();
                LocalPostgres pg = LocalPostgres.onFreePort(dir.resolve("pg")).start()) {
            pg.createDatabaseIfMissing("perennial");
            int port = FreePorts.find();
            String password = "bench-" + Long.toHexString(new SplittableRandom().nextLong());
            ConfigurableApplicationContext registry = PerennialServices.builder(RegistryApplication.class,
                    RegistryApplication.NAME).run("--server.port=" + port,
                    "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                    "--spring.datasource.url=" + pg.jdbcUrl("perennial"), "--spring.datasource.username=postgres",
                    "--perennial.security.bootstrap-admin-password=" + password, "--spring.main.banner-mode=off");
            try {
                // Machine clients use API keys (SHA-256, cached); Basic auth would add a bcrypt check per request.
                String auth = "Bearer " + registry.getBean(ApiKeyService.class).issue("bench", Role.ADMIN, List.of(),
                        null, "bench").secret();
                RegistryBenchmark bench = new RegistryBenchmark(URI.create("http://127.0.0.1:" + port), auth);
                String report = bench.run(versions, fileMb, streamMb, dir);
                report += String.format(Locale.ROOT, "%nTotal run time %.0f s.%n", (System.nanoTime() - started) / 1e9);
                System.out.print(report);
                Files.writeString(out.resolve("registry.md"), report);
                System.out.println("Wrote " + out.resolve("registry.md"));
            } finally {
                registry.close();
            }
        }
        System.exit(0);
    }

    private String run(int versions, int fileMb, int streamMb, Path dir) throws Exception {
        StringBuilder md = new StringBuilder();
        post("/v1/models", "{\"name\":\"bench\",\"stream\":\"bench\",\"family\":{\"family\":\"mlp\",\"input_dim\":784,"
                + "\"hidden\":[256],\"classes\":10}}", 201);

        long t0 = System.nanoTime();
        post("/v1/models/bench/versions", "{\"kind\":\"base\",\"jobId\":\"job-0\"}", 201);
        // versions 2..101 form a chain (version 101 has 100 ancestors); later ones extend a random chain member
        int chain = Math.min(101, versions);
        for (int v = 2; v <= chain; v++) {
            post("/v1/models/bench/versions", adapterVersion(v - 1, "seg" + v), 201);
        }
        ExecutorService registrations = Executors.newFixedThreadPool(4);
        List<Future<?>> registered = new ArrayList<>();
        SplittableRandom parents = new SplittableRandom(5);
        for (int v = chain + 1; v <= versions; v++) {
            int parent = 1 + parents.nextInt(chain);
            String name = "seg" + v;
            registered.add(registrations.submit(() -> {
                post("/v1/models/bench/versions", adapterVersion(parent, name), 201);
                return null;
            }));
        }
        for (Future<?> f : registered) {
            f.get();
        }
        registrations.shutdown();
        double registerSeconds = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int v = 1; v <= versions; v++) {
            int version = v;
            done.add(pool.submit(() -> {
                post("/v1/models/bench/versions/" + version + "/evaluations", evaluation(version), 201);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        double evaluateSeconds = (System.nanoTime() - t0) / 1e9;

        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 50; i++) {
            get("/v1/models/bench/versions?limit=50&offset=" + random.nextInt(versions));
            get("/v1/models/bench/versions/" + Math.min(101, versions) + "/lineage");
        }
        List<Double> listing = new ArrayList<>();
        List<Double> filtered = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            listing.add(timed(() -> get("/v1/models/bench/versions?limit=" + PAGE + "&offset="
                    + random.nextInt(Math.max(1, versions - PAGE)))));
            filtered.add(timed(() -> get("/v1/models/bench/versions?kind=adapter&limit=" + PAGE + "&offset="
                    + random.nextInt(Math.max(1, versions - PAGE)))));
        }
        int deep = Math.min(101, versions);
        List<Double> lineage = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            lineage.add(timed(() -> get("/v1/models/bench/versions/" + deep + "/lineage")));
        }
        List<Double> series = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            series.add(timed(() -> get("/v1/models/bench/metrics/forgetting?limit=10000")));
        }

        md.append("## Registry benchmark\n\n");
        md.append(String.format(Locale.ROOT, "%d versions registered in %.1f s (%.0f/s; a chain of 101, then 4 clients); "
                + "%d evaluation reports in %.1f s (%.0f/s, 4 clients).%n%n", versions, registerSeconds,
                versions / registerSeconds, versions, evaluateSeconds, versions / evaluateSeconds));
        md.append("| request (HTTP, on the same machine) | p50 ms | p99 ms | target |\n|---|---:|---:|---|\n");
        row(md, "list versions, page of 50, random offset", listing, "p99 < 50 ms");
        row(md, "list versions, kind=adapter, page of 50", filtered, "p99 < 50 ms");
        row(md, "lineage of a version with " + (deep - 1) + " ancestors", lineage, "p99 < 50 ms");
        row(md, "forgetting across all " + versions + " versions", series, "");

        md.append("\n").append(throughput(fileMb, dir));
        md.append("\n").append(memory(streamMb));
        return md.toString();
    }

    private String throughput(int mb, Path dir) throws Exception {
        Path source = dir.resolve("artifact.bin");
        byte[] buffer = new byte[1 << 20];
        SplittableRandom random = new SplittableRandom(7);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = Files.newOutputStream(source)) {
            for (int i = 0; i < mb; i++) {
                for (int j = 0; j < buffer.length; j += 8) {
                    long r = random.nextLong();
                    for (int k = 0; k < 8; k++) {
                        buffer[j + k] = (byte) (r >>> (8 * k));
                    }
                }
                digest.update(buffer);
                out.write(buffer);
            }
        }
        String sha = HexFormat.of().formatHex(digest.digest());
        long bytes = Files.size(source);
        Path copy = dir.resolve("copy.bin");
        long t0 = System.nanoTime();
        Files.copy(source, copy);
        try (var channel = java.nio.channels.FileChannel.open(copy, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        double copySeconds = (System.nanoTime() - t0) / 1e9;
        Files.delete(copy);

        t0 = System.nanoTime();
        HttpResponse<String> up = http.send(HttpRequest.newBuilder(base.resolve("/v1/models/bench/artifacts?kind=file"))
                .header("Authorization", auth).header("Content-Type", "application/octet-stream")
                .header("X-Content-SHA256", sha).POST(HttpRequest.BodyPublishers.ofFile(source)).build(),
                HttpResponse.BodyHandlers.ofString());
        double upSeconds = (System.nanoTime() - t0) / 1e9;
        check(up, 201);
        Path target = dir.resolve("download.bin");
        t0 = System.nanoTime();
        HttpResponse<Path> down = http.send(HttpRequest.newBuilder(base.resolve("/v1/models/bench/artifacts/" + sha))
                .header("Authorization", auth).GET().build(), HttpResponse.BodyHandlers.ofFile(target));
        double downSeconds = (System.nanoTime() - t0) / 1e9;
        if (down.statusCode() != 200 || Files.size(target) != bytes) {
            throw new IllegalStateException("download failed: " + down.statusCode());
        }
        Files.delete(target);
        Files.delete(source);
        double mbs = bytes / (1024.0 * 1024.0);
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Artifact of %d MB (random bytes, SHA-256 verified both ways):%n%n", mb));
        md.append("| path | MB/s | ratio to file copy |\n|---|---:|---:|\n");
        md.append(String.format(Locale.ROOT, "| `Files.copy` + fsync, same disk | %.0f | 1.00 |%n", mbs / copySeconds));
        md.append(String.format(Locale.ROOT, "| upload (HTTP → PostgreSQL chunks) | %.0f | %.2f |%n", mbs / upSeconds,
                copySeconds / upSeconds));
        md.append(String.format(Locale.ROOT, "| download (PostgreSQL chunks → HTTP → file) | %.0f | %.2f |%n",
                mbs / downSeconds, copySeconds / downSeconds));
        return md.toString();
    }

    private String memory(int mb) throws Exception {
        long bytes = (long) mb << 20;
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new Generated(bytes, 11)) {
            byte[] b = new byte[1 << 16];
            int n;
            while ((n = in.read(b)) > 0) {
                digest.update(b, 0, n);
            }
        }
        String sha = HexFormat.of().formatHex(digest.digest());
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = mx.getHeapMemoryUsage().getUsed();
        HeapSampler sampler = new HeapSampler(mx);
        long oldBaseline = sampler.oldUsed();
        sampler.start();
        long t0 = System.nanoTime();
        HttpResponse<String> up = http.send(HttpRequest.newBuilder(base.resolve("/v1/models/bench/artifacts?kind=file"))
                .header("Authorization", auth).header("Content-Type", "application/octet-stream")
                .header("X-Content-SHA256", sha)
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new Generated(bytes, 11)), bytes)).build(), HttpResponse.BodyHandlers.ofString());
        double upSeconds = (System.nanoTime() - t0) / 1e9;
        check(up, 201);
        long upPeak = sampler.takePeak();
        long upOld = sampler.takeOldPeak();
        t0 = System.nanoTime();
        HttpResponse<InputStream> down = http.send(HttpRequest.newBuilder(base.resolve("/v1/models/bench/artifacts/"
                + sha)).header("Authorization", auth).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest check = MessageDigest.getInstance("SHA-256");
        long received = 0;
        try (InputStream in = down.body()) {
            byte[] b = new byte[1 << 16];
            int n;
            while ((n = in.read(b)) > 0) {
                check.update(b, 0, n);
                received += n;
            }
        }
        double downSeconds = (System.nanoTime() - t0) / 1e9;
        long downPeak = sampler.takePeak();
        long downOld = sampler.takeOldPeak();
        sampler.interrupt();
        if (received != bytes || !HexFormat.of().formatHex(check.digest()).equals(sha)) {
            throw new IllegalStateException("streamed download differs: " + received + " bytes");
        }
        long max = Runtime.getRuntime().maxMemory();
        return String.format(Locale.ROOT, "Streaming a generated %d MB artifact (client, server, PostgreSQL driver and "
                + "broker in this JVM, max heap %d MB):%n%n| phase | MB/s | peak heap in use | peak old generation |%n"
                + "|---|---:|---:|---:|%n| before | | %d MB | %d MB |%n| upload | %.0f | %d MB | %d MB |%n"
                + "| download | %.0f | %d MB | %d MB |%n%nThe old generation (what survives young collections) is "
                + "the retained memory: it stays flat; a buffering implementation would retain at least %d MB.%n",
                mb, max >> 20, baseline >> 20, oldBaseline >> 20, mb / upSeconds, upPeak >> 20, upOld >> 20,
                mb / downSeconds, downPeak >> 20, downOld >> 20, mb);
    }

    private static String adapterVersion(int parent, String adapter) {
        long offset = Long.parseLong(adapter.substring(3)) * 1000L;
        return "{\"kind\":\"adapter\",\"parentVersion\":" + parent + ",\"jobId\":\"job-" + adapter
                + "\",\"adapters\":[{\"name\":\"" + adapter + "\",\"rank\":8,\"alpha\":16,\"targetModules\":"
                + "[\"fc1\"],\"segment\":{\"topic\":\"perennial.samples.bench\",\"partitions\":[{\"partition\":0,"
                + "\"fromOffset\":" + offset + ",\"toOffset\":" + (offset + 1000) + "}]}}],"
                + "\"metrics\":{\"loss\":0.1}}";
    }

    private static String evaluation(int version) {
        StringBuilder segments = new StringBuilder();
        int start = Math.max(1, version - 4);
        for (int s = start; s <= version; s++) {
            if (s > start) {
                segments.append(',');
            }
            segments.append("{\"segment\":\"seg").append(s).append("\",\"accuracy\":")
                    .append(String.format(Locale.ROOT, "%.3f", 0.8 + 0.15 * ((s * 31 + version * 7) % 10) / 10.0))
                    .append(",\"samples\":200,\"calibrationError\":0.04}");
        }
        String flips = version == 1 ? "" : ",\"servingVersion\":" + (version - 1)
                + ",\"flips\":{\"negative\":0.01,\"positive\":0.03,\"samples\":1000}";
        return "{\"segments\":[" + segments + "]" + flips + ",\"latencyMs\":1.2,\"parameterCount\":203530}";
    }

    private static void row(StringBuilder md, String name, List<Double> millis, String target) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %s |%n", name, percentile(sorted, 0.5),
                percentile(sorted, 0.99), target));
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private interface Call {
        void run() throws Exception;
    }

    private static double timed(Call call) throws Exception {
        long t0 = System.nanoTime();
        call.run();
        return (System.nanoTime() - t0) / 1e6;
    }

    private void get(String path) throws Exception {
        check(http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", auth).GET().build(),
                HttpResponse.BodyHandlers.ofString()), 200);
    }

    private void post(String path, String json, int status) throws Exception {
        check(http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", auth)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString()), status);
    }

    private static void check(HttpResponse<String> r, int status) {
        if (r.statusCode() != status) {
            throw new IllegalStateException(r.request().method() + " " + r.request().uri() + " answered "
                    + r.statusCode() + ": " + r.body());
        }
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    /** Deterministic pseudo-random bytes, generated on the fly (never held in memory). */
    private static final class Generated extends InputStream {
        private final SplittableRandom random;
        private long remaining;

        Generated(long bytes, long seed) {
            this.remaining = bytes;
            this.random = new SplittableRandom(seed);
        }

        @Override
        public int read() {
            if (remaining == 0) {
                return -1;
            }
            remaining--;
            return random.nextInt(256);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) random.nextInt(256);
            }
            remaining -= n;
            return n;
        }
    }

    /** Samples the heap in use every 20 ms. */
    private static final class HeapSampler extends Thread {
        private final MemoryMXBean mx;
        private final List<java.lang.management.MemoryPoolMXBean> old = ManagementFactory.getMemoryPoolMXBeans()
                .stream().filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
                .filter(p -> p.getName().contains("Old") || p.getName().contains("Tenured")).toList();
        private volatile long peak;
        private volatile long oldPeak;

        HeapSampler(MemoryMXBean mx) {
            super("heap-sampler");
            this.mx = mx;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                peak = Math.max(peak, mx.getHeapMemoryUsage().getUsed());
                oldPeak = Math.max(oldPeak, oldUsed());
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ex) {
                    return;
                }
            }
        }

        long takePeak() {
            long p = peak;
            peak = 0;
            return p;
        }

        long oldUsed() {
            return old.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
        }

        long takeOldPeak() {
            long p = oldPeak;
            oldPeak = 0;
            return p;
        }
    }
}
