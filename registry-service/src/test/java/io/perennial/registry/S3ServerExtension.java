package io.perennial.registry;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real S3-compatible server for a test class, and the registry properties that point the S3 store at it.
 *
 * <p>By default it starts S3Proxy (filesystem backend, a temporary directory) in a JVM of its own from the jar that
 * the build copies to {@code target/s3proxy/s3proxy.jar} (S3Proxy brings its own Jetty; a separate process keeps it
 * off the registry's classpath). With {@code PERENNIAL_TEST_S3_ENDPOINT} and {@code PERENNIAL_TEST_S3_BUCKET} set it
 * uses that server instead (e.g. MinIO or AWS; credentials from {@code AWS_ACCESS_KEY_ID}/{@code
 * AWS_SECRET_ACCESS_KEY}, region from {@code PERENNIAL_TEST_S3_REGION}), under a fresh key prefix. Without either,
 * the class is skipped with a message saying so.
 */
public class S3ServerExtension implements BeforeAllCallback, AfterAllCallback {

    private static final String PREFIX = "perennial.registry.artifacts.";
    private static final List<String> PROPERTIES = List.of("store", "s3.endpoint", "s3.bucket", "s3.prefix",
            "s3.region", "s3.create-bucket", "s3.part-size", "s3.access-key-id", "s3.secret-access-key");

    private Process process;
    private Path directory;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String external = System.getenv("PERENNIAL_TEST_S3_ENDPOINT");
        if (external != null && !external.isBlank()) {
            String bucket = System.getenv("PERENNIAL_TEST_S3_BUCKET");
            Assumptions.assumeTrue(bucket != null && !bucket.isBlank(),
                    "PERENNIAL_TEST_S3_ENDPOINT is set but PERENNIAL_TEST_S3_BUCKET is not: skipping the S3 tests");
            String region = System.getenv().getOrDefault("PERENNIAL_TEST_S3_REGION", "us-east-1");
            set(Map.of("s3.endpoint", external, "s3.bucket", bucket, "s3.region", region,
                    "s3.prefix", "perennial-it/" + UUID.randomUUID() + "/"));
        } else {
            Path jar = Path.of(System.getProperty("perennial.test.s3proxy-jar", "target/s3proxy/s3proxy.jar"));
            Assumptions.assumeTrue(Files.isRegularFile(jar), "no S3-compatible server: " + jar.toAbsolutePath()
                    + " is missing (the Maven build copies it) and PERENNIAL_TEST_S3_ENDPOINT is not set: skipping "
                    + "the S3 artifact store tests");
            startS3Proxy(jar);
        }
        set(Map.of("store", "s3", "s3.part-size", "5MB"));
    }

    private void startS3Proxy(Path jar) throws IOException, InterruptedException {
        directory = Files.createTempDirectory("perennial-s3");
        Files.createDirectories(directory.resolve("data"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String identity = "it-" + UUID.randomUUID();
        String credential = UUID.randomUUID().toString();
        String endpoint = "http://127.0.0.1:" + port;
        Path config = directory.resolve("s3proxy.conf");
        Files.writeString(config, String.join("\n", "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4", "s3proxy.identity=" + identity,
                "s3proxy.credential=" + credential, "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + directory.resolve("data")) + "\n");
        Path log = directory.resolve("s3proxy.log");
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toAbsolutePath().toString(),
                "--properties", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (!answers(endpoint)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String output = Files.exists(log) ? Files.readString(log) : "";
                process.destroyForcibly();
                throw new IllegalStateException("S3Proxy did not start at " + endpoint + ":\n"
                        + output.substring(Math.max(0, output.length() - 4000)));
            }
            Thread.sleep(200);
        }
        set(Map.of("s3.endpoint", endpoint, "s3.bucket", "perennial-it", "s3.create-bucket", "true",
                "s3.access-key-id", identity, "s3.secret-access-key", credential));
    }

    private static boolean answers(String endpoint) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/").toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            int status = c.getResponseCode();
            c.disconnect();
            return status > 0;
        } catch (IOException ex) {
            return false;
        }
    }

    private static void set(Map<String, String> values) {
        values.forEach((k, v) -> System.setProperty(PREFIX + k, v));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException, InterruptedException {
        PROPERTIES.forEach(p -> System.clearProperty(PREFIX + p));
        if (process != null) {
            process.destroy();
            process.waitFor();
        }
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
