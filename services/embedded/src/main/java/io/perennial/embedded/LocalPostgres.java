package io.perennial.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (the zonky embedded binaries) listening on loopback only, with a persistent data
 * directory so that a restarted stack keeps its data.
 *
 * <p>The server trusts connections from 127.0.0.1, like a developer's local database; it never listens on other
 * interfaces. Production deployments use an external server ({@code PERENNIAL_DB_URL}).
 */
public final class LocalPostgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres server;

    public LocalPostgres(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    /** A server on a free port with data in {@code dataDir}. */
    public static LocalPostgres onFreePort(Path dataDir) {
        return new LocalPostgres(dataDir, FreePorts.find());
    }

    /** Starts the server, initialising the data directory on first use. */
    public synchronized LocalPostgres start() {
        if (server != null) {
            return this;
        }
        try {
            Files.createDirectories(dataDir);
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", "32MB")
                    .setServerConfig("fsync", "on")
                    .start();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dataDir, ex);
        }
        log.info("PostgreSQL ready on 127.0.0.1:{} with data in {}", port, dataDir);
        return this;
    }

    /** JDBC URL of a database on this server (no credentials: loopback trust). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** The superuser name. */
    public String username() {
        return "postgres";
    }

    public int port() {
        return port;
    }

    /** Creates a database unless it exists. Database names are restricted to {@code [a-z0-9_]}. */
    public void createDatabaseIfMissing(String database) {
        if (!database.matches("[a-z0-9_]{1,63}")) {
            throw new IllegalArgumentException("invalid database name " + database);
        }
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), username(), "");
                Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery(
                    "SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            statement.execute("CREATE DATABASE " + database);
        } catch (SQLException ex) {
            throw new IllegalStateException("cannot create database " + database + ": " + ex.getMessage(), ex);
        }
    }

    /** Stops the server; the data stays. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot stop embedded PostgreSQL", ex);
        } finally {
            server = null;
        }
        log.info("PostgreSQL on 127.0.0.1:{} stopped", port);
    }

    @Override
    public void close() {
        stop();
    }
}
