package io.perennial.local;

import io.perennial.console.ConsoleApplication;
import io.perennial.drift.DriftApplication;
import io.perennial.embedded.FreePorts;
import io.perennial.embedded.KraftBroker;
import io.perennial.embedded.LocalPostgres;
import io.perennial.ingest.IngestApplication;
import io.perennial.registry.RegistryApplication;
import io.perennial.support.service.PerennialServices;
import io.perennial.trainer.TrainerApplication;
import io.perennial.worker.WorkerApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole platform in one JVM: an embedded KRaft broker and PostgreSQL (or external ones), then every service on
 * its own port. Startup checks what a user can get wrong first and reports it in one line; shutdown stops the
 * services first and the broker and database last.
 */
public final class Stack implements AutoCloseable {

    private static final String SPRING_LOGGING_SYSTEM = "org.springframework.boot.logging.LoggingSystem";

    /**
     * Configures logging once for a JVM that runs several Spring applications: none of them configures it, logback
     * writes to {@code logDir}, and Tomcat's java.util.logging goes to the same place instead of the terminal.
     */
    public static void configureLogging(Path logDir) {
        System.setProperty(SPRING_LOGGING_SYSTEM, "none");
        System.setProperty("PERENNIAL_LOG_DIR", logDir.toString());
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
    }

    private static final Logger log = LoggerFactory.getLogger(Stack.class);
    private static final Map<String, Class<?>> APPLICATIONS = new LinkedHashMap<>();

    static {
        APPLICATIONS.put("ingest-service", IngestApplication.class);
        APPLICATIONS.put("drift-service", DriftApplication.class);
        APPLICATIONS.put("trainer-service", TrainerApplication.class);
        APPLICATIONS.put("registry-service", RegistryApplication.class);
        APPLICATIONS.put("gpu-worker", WorkerApplication.class);
        APPLICATIONS.put("console", ConsoleApplication.class);
    }

    private final StackConfig config;
    private final List<ConfigurableApplicationContext> contexts = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, ConfigurableApplicationContext> byName = new java.util.concurrent.ConcurrentHashMap<>();
    private KraftBroker broker;
    private LocalPostgres postgres;

    public Stack(StackConfig config) {
        this.config = config;
    }

    /**
     * What a started stack reports.
     *
     * @param adminPassword the generated admin password when the account was created by this start, else null
     */
    public record Started(String kafkaBootstrap, String dbUrl, String adminPassword, String serviceToken,
            Duration startup, long rssBytes) {
    }

    /** Starts everything and waits until every service is healthy. */
    public Started start() {
        long begin = System.nanoTime();
        // Six Spring applications start in this JVM, two at a time: none may (re)initialise logging, or their
        // concurrent Logback resets race (a ConcurrentModificationException in an IT). Callers that own the JVM
        // choose where logs go (configureLogging); whoever has not, keeps the logging the JVM already has.
        if (System.getProperty(SPRING_LOGGING_SYSTEM) == null) {
            System.setProperty(SPRING_LOGGING_SYSTEM, "none");
        }
        preflight();
        startInfrastructure();
        String dbUrl = config.externalDbUrl() != null ? config.externalDbUrl() : postgres.jdbcUrl("perennial");
        String dbUser = config.externalDbUrl() != null ? config.externalDbUser() : postgres.username();
        String dbPassword = config.externalDbUrl() != null ? config.externalDbPassword() : "";
        String kafka = config.externalKafka() != null ? config.externalKafka() : broker.bootstrapServers();
        String serviceToken = Secrets.loadOrCreate(config.secretsDir(), "service-token", 40);
        String adminPassword = adminExists(dbUrl, dbUser, dbPassword) ? null : Secrets.generate(20);

        startServices(kafka, dbUrl, dbUser, dbPassword, serviceToken, adminPassword);
        awaitHealthy(Duration.ofSeconds(90));
        Duration startup = Duration.ofNanos(System.nanoTime() - begin);
        return new Started(kafka, dbUrl, adminPassword, serviceToken, startup, ProcessMemory.residentBytes());
    }

    /** Checks the data directory, ports and external endpoints before starting anything. */
    void preflight() {
        try {
            Files.createDirectories(config.runDir());
            Files.createDirectories(config.logDir());
            Path probe = Files.createTempFile(config.home(), ".write-check", "");
            Files.delete(probe);
        } catch (IOException | SecurityException ex) {
            throw new StackException("cannot write to the data directory " + config.home()
                    + "; set PERENNIAL_HOME to a writable directory");
        }
        Map<String, Integer> ports = new LinkedHashMap<>();
        config.servicePorts().forEach(ports::put);
        if (config.externalKafka() == null) {
            ports.put("the Kafka broker", config.kafkaPort());
            ports.put("the Kafka controller", config.kafkaControllerPort());
        }
        if (config.externalDbUrl() == null) {
            ports.put("PostgreSQL", config.postgresPort());
        }
        ports.forEach((what, port) -> {
            if (!FreePorts.isFree(port)) {
                throw new StackException("port " + port + " (" + what + ") is already in use; stop what uses it "
                        + "or choose another port (see ./perennial help)");
            }
        });
        if (config.externalDbUrl() != null) {
            DriverManager.setLoginTimeout(5);
            try (Connection ignored = DriverManager.getConnection(config.externalDbUrl(), config.externalDbUser(),
                    config.externalDbPassword())) {
                log.info("Using the external database at {}", redactUrl(config.externalDbUrl()));
            } catch (SQLException ex) {
                throw new StackException("cannot reach the database at " + redactUrl(config.externalDbUrl()) + " ("
                        + firstLine(ex.getMessage()) + "); check PERENNIAL_DB_URL, PERENNIAL_DB_USER and "
                        + "PERENNIAL_DB_PASSWORD");
            }
        }
    }

    private void startInfrastructure() {
        CompletableFuture<Void> pg = config.externalDbUrl() != null ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(() -> {
                    postgres = new LocalPostgres(config.home().resolve("postgres"), config.postgresPort()).start();
                    postgres.createDatabaseIfMissing("perennial");
                });
        CompletableFuture<Void> kafka = config.externalKafka() != null ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(() -> broker = new KraftBroker(config.home().resolve("kafka"),
                        config.kafkaPort(), config.kafkaControllerPort(), Map.of()).start());
        try {
            CompletableFuture.allOf(pg, kafka).get();
        } catch (ExecutionException ex) {
            close();
            throw new StackException("infrastructure failed to start: " + rootMessage(ex), ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            close();
            throw new StackException("interrupted while starting");
        }
    }

    private void startServices(String kafka, String dbUrl, String dbUser, String dbPassword, String serviceToken,
            String adminPassword) {
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "perennial-start"));
        List<Future<?>> starts = new ArrayList<>();
        APPLICATIONS.forEach((name, application) -> starts.add(pool.submit(() -> {
            long t0 = System.nanoTime();
            List<String> properties = new ArrayList<>(List.of(
                    "server.port=" + config.servicePorts().get(name),
                    "spring.kafka.bootstrap-servers=" + kafka,
                    "spring.datasource.url=" + dbUrl,
                    "spring.datasource.username=" + dbUser,
                    "spring.datasource.password=" + dbPassword,
                    "perennial.security.service-token=" + serviceToken,
                    "perennial.worker.cache-dir=" + config.home().resolve("worker-cache"),
                    "perennial.worker.registry-url=" + config.baseUrl("registry-service"),
                    "perennial.worker.trainer-url=" + config.baseUrl("trainer-service"),
                    "perennial.trainer.registry-url=" + config.baseUrl("registry-service"),
                    "perennial.drift.registry-url=" + config.baseUrl("registry-service"),
                    "spring.main.banner-mode=off"));
            if (adminPassword != null) {
                properties.add("perennial.security.bootstrap-admin-password=" + adminPassword);
            }
            config.servicePorts().forEach((other, port) -> properties.add(
                    "perennial.console.services." + other + "=http://127.0.0.1:" + port));
            properties.removeIf(p -> p.startsWith("perennial.console.services.console="));
            // As command-line arguments: they must win over every configuration file and default.
            ConfigurableApplicationContext context = PerennialServices.builder(application, name)
                    .run(properties.stream().map(p -> "--" + p).toArray(String[]::new));
            contexts.add(context);
            byName.put(name, context);
            log.info("Started {} on port {} in {} ms", name, config.servicePorts().get(name),
                    (System.nanoTime() - t0) / 1_000_000);
            return null;
        })));
        pool.shutdown();
        try {
            for (Future<?> start : starts) {
                start.get();
            }
        } catch (ExecutionException ex) {
            close();
            throw new StackException("a service failed to start: " + rootMessage(ex)
                    + " (details in " + config.logDir().resolve("perennial.log") + ")", ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            close();
            throw new StackException("interrupted while starting");
        }
    }

    private void awaitHealthy(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String service : config.servicePorts().keySet()) {
            while (!isUp(http, config.baseUrl(service))) {
                if (System.nanoTime() > deadline) {
                    close();
                    throw new StackException(service + " did not become healthy within " + timeout.toSeconds()
                            + " s (details in " + config.logDir().resolve("perennial.log") + ")");
                }
                sleep(250);
            }
        }
    }

    static boolean isUp(HttpClient http, String baseUrl) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl
                    + "/actuator/health")).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"UP\"");
        } catch (IOException ex) {
            return false;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean adminExists(String url, String user, String password) {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1 FROM information_schema.tables WHERE table_schema = 'iam' "
                        + "AND table_name = 'users'")) {
            if (!rs.next()) {
                return false;
            }
            try (ResultSet admin = s.executeQuery("SELECT 1 FROM iam.users WHERE username = 'admin'")) {
                return admin.next();
            }
        } catch (SQLException ex) {
            throw new StackException("cannot read the user accounts: " + firstLine(ex.getMessage()), ex);
        }
    }

    /** Stops the services (newest first), then the broker, then the database. Safe to call twice. */
    @Override
    public synchronized void close() {
        List<ConfigurableApplicationContext> running;
        synchronized (contexts) {
            running = new ArrayList<>(contexts);
            contexts.clear();
        }
        Collections.reverse(running);
        for (ConfigurableApplicationContext context : running) {
            try {
                context.close();
            } catch (RuntimeException ex) {
                log.warn("Error while stopping a service: {}", ex.getMessage());
            }
        }
        if (broker != null) {
            broker.close();
            broker = null;
        }
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    /** A running service's application context (tests use it to stop and start one service). */
    public ConfigurableApplicationContext service(String name) {
        ConfigurableApplicationContext context = byName.get(name);
        if (context == null) {
            throw new IllegalArgumentException("no running service '" + name + "'");
        }
        return context;
    }

    public StackConfig config() {
        return config;
    }

    static String rootMessage(Throwable ex) {
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : firstLine(root.getMessage());
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("").trim();
    }

    private static String redactUrl(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
