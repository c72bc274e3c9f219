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
 * Hands out one fresh database per test class on a single PostgreSQL server per JVM. The server is the embedded one
 * unless {@code PERENNIAL_TEST_DB_URL} (plus {@code PERENNIAL_TEST_DB_USER}/{@code PERENNIAL_TEST_DB_PASSWORD})
 * points at an external server whose user may create databases.
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
        String external = System.getenv("PERENNIAL_TEST_DB_URL");
        if (external != null && !external.isBlank()) {
            String user = System.getenv().getOrDefault("PERENNIAL_TEST_DB_USER", "");
            String password = System.getenv().getOrDefault("PERENNIAL_TEST_DB_PASSWORD", "");
            execute(external, user, password, "CREATE DATABASE " + name);
            String base = external.substring(0, external.lastIndexOf('/') + 1);
            String query = external.contains("?") ? external.substring(external.indexOf('?')) : "";
            return new Database(base + name + query, user, password, name);
        }
        LocalPostgres pg = embedded();
        pg.createDatabaseIfMissing(name);
        return new Database(pg.jdbcUrl(name), pg.username(), "", name);
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
