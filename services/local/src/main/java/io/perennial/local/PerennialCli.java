package io.perennial.local;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code perennial} command line: {@code up}, {@code status}, {@code down}, {@code demo}, {@code upload-base}
 * and {@code help}. Problems the user can fix are printed as one line with a non-zero exit code; details go to
 * {@code $PERENNIAL_HOME/logs}.
 */
public final class PerennialCli {

    /** Exit code of a demo in which some shifted regime never got a version of its own into production. */
    static final int DEMO_NOT_ADAPTED = 3;

    private final StackConfig config;
    private final PrintStream out;
    private final PrintStream err;

    PerennialCli(StackConfig config, PrintStream out, PrintStream err) {
        this.config = config;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        StackConfig config;
        try {
            config = StackConfig.fromEnvironment();
        } catch (StackException ex) {
            System.err.println("perennial: " + ex.getMessage());
            System.exit(2);
            return;
        }
        // Several Spring applications share this JVM: logging is configured once, here, not by each of them.
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        System.setProperty("PERENNIAL_LOG_DIR", config.logDir().toString());
        // Tomcat logs through java.util.logging: route it to the same log file.
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        System.exit(new PerennialCli(config, System.out, System.err).run(List.of(args)));
    }

    int run(List<String> args) {
        String command = args.isEmpty() ? "help" : args.get(0);
        try {
            return switch (command) {
                case "up" -> up(args.contains("--detached"));
                case "status" -> status();
                case "down" -> down();
                case "demo" -> demo(args.subList(1, args.size()));
                case "upload-base" -> new UploadBaseCommand(config, System.getenv("PERENNIAL_API_KEY"), out, err)
                        .run(args.subList(1, args.size()));
                case "help", "-h", "--help" -> help();
                default -> {
                    err.println("perennial: unknown command '" + command + "'; run ./perennial help");
                    yield 2;
                }
            };
        } catch (StackException ex) {
            err.println("perennial: " + ex.getMessage());
            return 1;
        }
    }

    private int up(boolean detached) {
        Optional<Long> running = runningPid();
        if (running.isPresent()) {
            throw new StackException("Perennial is already running (pid " + running.get()
                    + "); see ./perennial status, or stop it with ./perennial down");
        }
        Stack stack = new Stack(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Path pidFile = config.home().resolve("run/perennial.pid");
        Path readyFile = config.home().resolve("run/ready");
        Thread hook = new Thread(() -> {
            err.println("perennial: stopping services, then Kafka and PostgreSQL ...");
            stack.close();
            deleteQuietly(readyFile);
            deleteQuietly(pidFile);
            err.println("perennial: stopped");
            stopped.countDown();
        }, "perennial-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Stack.Started started;
        try {
            stack.preflight();
            writeQuietly(pidFile, String.valueOf(ProcessHandle.current().pid()));
            started = stack.start();
        } catch (RuntimeException ex) {
            Runtime.getRuntime().removeShutdownHook(hook);
            stack.close();
            deleteQuietly(pidFile);
            throw ex instanceof StackException se ? se : new StackException("startup failed: "
                    + Stack.rootMessage(ex) + " (details in " + config.logDir().resolve("perennial.log") + ")", ex);
        }
        String banner = banner(started);
        if (detached) {
            // The script shows the banner once and deletes it; credentials never reach the log.
            Path bannerFile = config.home().resolve("run/banner.txt");
            writeQuietly(bannerFile, banner);
            Secrets.restrict(bannerFile);
        } else {
            out.print(banner);
            out.flush();
        }
        writeQuietly(readyFile, started.startup().toMillis() + " " + started.rssBytes());
        try {
            stopped.await();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    String banner(Stack.Started started) {
        StringBuilder b = new StringBuilder("\nPerennial is up.\n\n");
        b.append(String.format(Locale.ROOT, "  %-18s %s%n", "console", config.baseUrl("console")));
        config.servicePorts().keySet().stream().filter(s -> !s.equals("console")).forEach(s -> b.append(
                String.format(Locale.ROOT, "  %-18s %s   (API docs: %s/swagger-ui.html)%n", s, config.baseUrl(s),
                        config.baseUrl(s))));
        b.append(String.format(Locale.ROOT, "  %-18s %s%n", "kafka", started.kafkaBootstrap()));
        b.append(String.format(Locale.ROOT, "  %-18s %s%n%n", "postgresql", started.dbUrl()));
        if (started.adminPassword() != null) {
            b.append("  Admin login (shown once, store it now):  admin / ").append(started.adminPassword())
                    .append("\n\n");
        } else {
            b.append("  Log in as 'admin' with the password printed when this data directory was created.\n\n");
        }
        b.append(String.format(Locale.ROOT, "  Report: ready in %.1f s, resident memory %d MiB (JVM + PostgreSQL)%n",
                started.startup().toMillis() / 1000.0, started.rssBytes() / (1024 * 1024)));
        b.append("  Data: ").append(config.home()).append("   Logs: ").append(config.logDir()).append("\n\n");
        return b.toString();
    }

    /**
     * The main job: uses the running stack (or starts one in this process), streams a drifting Fashion-MNIST through
     * the loop, prints what happens and a report, and writes the chart under {@code $PERENNIAL_HOME/demo/}.
     */
    private int demo(List<String> args) {
        boolean quick = args.contains("--quick");
        boolean keep = args.contains("--keep");
        boolean digits = args.contains("--digits");
        for (String a : args) {
            if (!List.of("--quick", "--keep", "--digits").contains(a)) {
                throw new StackException("unknown demo option '" + a + "'; options: --quick, --digits, --keep");
            }
        }
        System.setProperty("java.awt.headless", "true");
        String stream = "fashion-" + java.time.LocalTime.now().format(java.time.format.DateTimeFormatter.ofPattern("HHmmss"));
        Path outDir = config.home().resolve("demo");
        io.perennial.local.demo.DemoOptions options = (quick ? io.perennial.local.demo.DemoOptions.quick(stream, outDir)
                : io.perennial.local.demo.DemoOptions.full(stream, outDir)).withDigits(digits);
        Stack stack = null;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        boolean running = config.servicePorts().keySet().stream().allMatch(s -> Stack.isUp(http, config.baseUrl(s)));
        if (running) {
            out.println("Using the running Perennial stack.");
        } else {
            out.println("Starting the all-in-one stack (Kafka, PostgreSQL and every service in this process) ...");
            stack = new Stack(config);
            stack.preflight();
            Stack.Started started = stack.start();
            out.print(banner(started));
        }
        try {
            io.perennial.local.demo.DemoData data = io.perennial.local.demo.DemoData.load(
                    io.perennial.learning.data.FashionMnist.DEFAULT_DIR, options.regimes(), options.streamPerRegime(),
                    options.testPerRegime(), options.forceDigits());
            if (data.note() != null) {
                out.println("Note: " + data.note());
            }
            String token = Secrets.loadOrCreate(config.secretsDir(), "service-token", 40);
            io.perennial.local.demo.DemoResult result = new io.perennial.local.demo.DemoRun(options, data,
                    config::baseUrl, token, out).run();
            io.perennial.local.demo.DemoReport.write(result, outDir, out);
            List<io.perennial.local.demo.DemoResult.RegimeResult> unadapted = result.unadapted();
            if (!unadapted.isEmpty()) {
                // The demo exists to show the loop adapting: a regime left on an older version is a failure, not a row.
                out.println("\n✗ " + unadapted.size() + " of " + result.regimes().stream()
                        .filter(io.perennial.local.demo.DemoResult.RegimeResult::expectsAdaptation).count()
                        + " shifted regimes never adapted:");
                for (io.perennial.local.demo.DemoResult.RegimeResult r : unadapted) {
                    out.println("  " + r.name() + (r.attempts().isEmpty() ? ": nothing was tried (no alarm or job)"
                            : ": tried"));
                    r.attempts().forEach(a -> out.println("    - " + a));
                }
            }
            if (keep && stack != null) {
                out.println("\nThe stack keeps running (--keep): open " + config.baseUrl("console")
                        + "; Ctrl-C stops it.");
                new CountDownLatch(1).await();
            }
            return unadapted.isEmpty() ? 0 : DEMO_NOT_ADAPTED;
        } catch (IOException ex) {
            throw new StackException("demo failed: " + ex.getMessage(), ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return 130;
        } catch (RuntimeException ex) {
            throw new StackException("demo failed: " + Stack.rootMessage(ex) + " (service logs in "
                    + config.logDir().resolve("perennial.log") + ")", ex);
        } finally {
            if (stack != null) {
                out.println("Stopping the stack ...");
                stack.close();
            }
        }
    }

    private int status() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        boolean allUp = true;
        out.printf(Locale.ROOT, "%-18s %-28s %s%n", "COMPONENT", "URL", "HEALTH");
        for (String service : config.servicePorts().keySet()) {
            boolean up = Stack.isUp(http, config.baseUrl(service));
            allUp &= up;
            out.printf(Locale.ROOT, "%-18s %-28s %s%n", service, config.baseUrl(service), up ? "UP" : "DOWN");
        }
        Optional<Long> pid = runningPid();
        out.println(pid.map(p -> "all-in-one process: pid " + p).orElse("all-in-one process: not running"));
        return allUp ? 0 : 1;
    }

    private int down() {
        Optional<Long> pid = runningPid();
        if (pid.isEmpty()) {
            out.println("perennial: not running");
            return 0;
        }
        ProcessHandle process = ProcessHandle.of(pid.get()).orElseThrow();
        out.println("perennial: stopping pid " + pid.get() + " ...");
        process.destroy();
        try {
            process.onExit().get(90, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception ex) {
            throw new StackException("pid " + pid.get() + " did not stop within 90 s; it is still running");
        }
        out.println("perennial: stopped");
        return 0;
    }

    private int help() {
        out.print("""
                Usage: ./perennial <command>

                  demo [--quick]  the main job: start the stack (or use the running one), stream a drifting
                                  Fashion-MNIST (upright, rotated, noisy, rotated further) through the loop and
                                  show alarms, jobs and promotions live; ends with a report and a chart in
                                  $PERENNIAL_HOME/demo/. --quick: a few minutes on a 2-core CPU. --digits: use
                                  the shipped digits fixture. --keep: leave the stack running afterwards.
                                  Exit code 3 when a shifted regime never adapted (what was tried is printed).
                  up [--detach]   build if needed, start Kafka, PostgreSQL and every service in one process,
                                  print the URLs and (first time) the admin password; Ctrl-C stops it.
                                  --detach returns once everything is healthy and leaves it running.
                  status          health of each component; exit code 0 only when all are healthy
                  down            stop a detached stack (services first, then Kafka and PostgreSQL)
                  upload-base --stream <s> --dir <dir> [--promote] [--force-reason <why>]
                                  register base weights trained elsewhere (a directory saved by
                                  ContinualLearner.save) as the stream's base version, checked against the
                                  stream's input shape and labels first; --promote makes it serve, and the
                                  trainer then grows adapters on it instead of training its own base. Uses
                                  PERENNIAL_API_KEY (operator) or the running stack's service token.
                  bench <name>    run a benchmark: continual, ingest, drift, registry, predict, lifelong (each takes --quick)
                  test            run the test suite (same as ./mvnw verify)
                  help            this text

                Environment:
                  PERENNIAL_HOME                 data directory (default ./.perennial)
                  PERENNIAL_KAFKA_BOOTSTRAP      use an external Kafka instead of the embedded broker
                  PERENNIAL_DB_URL, _USER, _PASSWORD   use an external PostgreSQL (JDBC URL)
                  PERENNIAL_CONSOLE_PORT (8080), PERENNIAL_INGEST_PORT (8081), PERENNIAL_DRIFT_PORT (8082),
                  PERENNIAL_TRAINER_PORT (8083), PERENNIAL_REGISTRY_PORT (8084), PERENNIAL_WORKER_PORT (8085),
                  PERENNIAL_KAFKA_PORT (9092), PERENNIAL_KAFKA_CONTROLLER_PORT (9093), PERENNIAL_PG_PORT (55432)
                """);
        return 0;
    }

    private Optional<Long> runningPid() {
        Path pidFile = config.home().resolve("run/perennial.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                    .orElse(false)) {
                return Optional.of(pid);
            }
            Files.deleteIfExists(pidFile);
            return Optional.empty();
        } catch (IOException | NumberFormatException ex) {
            return Optional.empty();
        }
    }

    private static void writeQuietly(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new StackException("cannot write " + file + ": " + ex.getMessage());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Best effort at shutdown.
        }
    }
}
