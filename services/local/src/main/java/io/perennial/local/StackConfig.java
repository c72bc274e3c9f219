package io.perennial.local;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the all-in-one stack lives and listens. Everything is read from the environment so the shell script, the
 * tests and a user's shell agree: {@code PERENNIAL_HOME} (default {@code ./.perennial}), {@code PERENNIAL_<X>_PORT},
 * and {@code PERENNIAL_KAFKA_BOOTSTRAP} / {@code PERENNIAL_DB_URL} to use external infrastructure.
 */
public record StackConfig(Path home, Map<String, Integer> servicePorts, int kafkaPort, int kafkaControllerPort,
        int postgresPort, String externalKafka, String externalDbUrl, String externalDbUser,
        String externalDbPassword) {

    /** Service names in start order, with their port variables and defaults. */
    static final Map<String, String[]> SERVICES = new LinkedHashMap<>();

    static {
        SERVICES.put("ingest-service", new String[] {"PERENNIAL_INGEST_PORT", "8081"});
        SERVICES.put("drift-service", new String[] {"PERENNIAL_DRIFT_PORT", "8082"});
        SERVICES.put("trainer-service", new String[] {"PERENNIAL_TRAINER_PORT", "8083"});
        SERVICES.put("registry-service", new String[] {"PERENNIAL_REGISTRY_PORT", "8084"});
        SERVICES.put("gpu-worker", new String[] {"PERENNIAL_WORKER_PORT", "8085"});
        SERVICES.put("console", new String[] {"PERENNIAL_CONSOLE_PORT", "8080"});
    }

    /** The configuration from the process environment. */
    public static StackConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** The configuration from the given variables (tests pass their own). */
    public static StackConfig fromEnvironment(Map<String, String> env) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        SERVICES.forEach((name, v) -> ports.put(name, port(env, v[0], Integer.parseInt(v[1]))));
        return new StackConfig(Path.of(env.getOrDefault("PERENNIAL_HOME", ".perennial")).toAbsolutePath(), ports,
                port(env, "PERENNIAL_KAFKA_PORT", 9092), port(env, "PERENNIAL_KAFKA_CONTROLLER_PORT", 9093),
                port(env, "PERENNIAL_PG_PORT", 55432), blankToNull(env.get("PERENNIAL_KAFKA_BOOTSTRAP")),
                blankToNull(env.get("PERENNIAL_DB_URL")), env.getOrDefault("PERENNIAL_DB_USER", ""),
                env.getOrDefault("PERENNIAL_DB_PASSWORD", ""));
    }

    /** Variables for a stack in {@code home} on free ports (tests and benchmarks run beside a real stack). */
    public static Map<String, String> freePortsEnvironment(Path home) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("PERENNIAL_HOME", home.toString());
        SERVICES.values().forEach(v -> env.put(v[0], String.valueOf(io.perennial.embedded.FreePorts.find())));
        for (String var : new String[] {"PERENNIAL_KAFKA_PORT", "PERENNIAL_KAFKA_CONTROLLER_PORT", "PERENNIAL_PG_PORT"}) {
            env.put(var, String.valueOf(io.perennial.embedded.FreePorts.find()));
        }
        return env;
    }

    public Path runDir() {
        return home.resolve("run");
    }

    public Path logDir() {
        return home.resolve("logs");
    }

    public Path secretsDir() {
        return home.resolve("secrets");
    }

    public String baseUrl(String service) {
        return "http://127.0.0.1:" + servicePorts.get(service);
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException ex) {
            throw new StackException(name + "=" + value + " is not a port number");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
