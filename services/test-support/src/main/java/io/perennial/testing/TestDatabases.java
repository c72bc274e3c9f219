package io.perennial.testing;

import io.perennial.embedded.LocalPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Hands out one fresh database per test class on a single PostgreSQL server per JVM, chosen in this order:
 * <ol>
 * <li>an external server: {@code PERENNIAL_TEST_DB_URL} (+ {@code _USER}, {@code _PASSWORD}), or else
 * {@code PERENNIAL_DB_URL} (+ {@code PERENNIAL_DB_USER}, {@code PERENNIAL_DB_PASSWORD}); its user must be allowed to
 * create databases;</li>
 * <li>a Testcontainers PostgreSQL 18 container when a Docker engine answers (disable with
 * {@code -Dperennial.test.docker=false});</li>
 * <li>the embedded PostgreSQL otherwise (the default on machines without Docker).</li>
 * </ol>
 */
public final class TestDatabases {

    /** Connection details of one test database. */
    public record Database(String url, String username, String password, String name) {
    }

    private static LocalPostgres embedded;

    private TestDatabases() {
    }

    /** Creates a new, empty database. */
    public static synchronized Database create() {
        String name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String prefix = isSet("PERENNIAL_TEST_DB_URL") ? "PERENNIAL_TEST_DB" : "PERENNIAL_DB";
        String external = System.getenv(prefix + "_URL");
        if (external == null || external.isBlank()) {
            Database container = containerDatabase(name);
            if (container != null) {
                return container;
            }
        }
        if (external != null && !external.isBlank()) {
            String user = System.getenv().getOrDefault(prefix + "_USER", "");
            String password = System.getenv().getOrDefault(prefix + "_PASSWORD", "");
            execute(external, user, password, "CREATE DATABASE " + name);
            String base = external.substring(0, external.lastIndexOf('/') + 1);
            String query = external.contains("?") ? external.substring(external.indexOf('?')) : "";
            return new Database(base + name + query, user, password, name);
        }
        LocalPostgres pg = embedded();
        pg.createDatabaseIfMissing(name);
        return new Database(pg.jdbcUrl(name), pg.username(), "", name);
    }

    private static Boolean dockerAvailable;
    private static org.testcontainers.postgresql.PostgreSQLContainer container;

    /** A database in a PostgreSQL container when Docker is available, else null. */
    private static Database containerDatabase(String name) {
        if (dockerAvailable == null) {
            dockerAvailable = !"false".equals(System.getProperty("perennial.test.docker"))
                    && dockerAnswers();
        }
        if (!dockerAvailable) {
            return null;
        }
        if (container == null) {
            container = new org.testcontainers.postgresql.PostgreSQLContainer("postgres:18");
            container.start();
        }
        execute(container.getJdbcUrl(), container.getUsername(), container.getPassword(), "CREATE DATABASE " + name);
        String url = container.getJdbcUrl();
        String base = url.substring(0, url.lastIndexOf('/') + 1);
        String query = url.contains("?") ? url.substring(url.indexOf('?')) : "";
        return new Database(base + name + query, container.getUsername(), container.getPassword(), name);
    }

    private static boolean dockerAnswers() {
        // Without a Docker socket there is nothing to ask; this keeps Testcontainers' own probing quiet.
        if (!java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))
                && System.getenv("DOCKER_HOST") == null) {
            return false;
        }
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError ex) {
            return false;
        }
    }

    private static boolean isSet(String variable) {
        String value = System.getenv(variable);
        return value != null && !value.isBlank();
    }

    private static LocalPostgres embedded() {
        if (embedded == null) {
            try {
                Path dir = Files.createTempDirectory("perennial-test-pg");
                LocalPostgres pg = LocalPostgres.onFreePort(dir).start();
                Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "test-postgres-stop"));
                embedded = pg;
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return embedded;
    }

    private static void execute(String url, String user, String password, String sql) {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException ex) {
            throw new IllegalStateException("cannot prepare test database: " + ex.getMessage(), ex);
        }
    }
}
