package io.perennial.testing;

import io.perennial.embedded.KraftBroker;
import java.nio.file.Path;

/**
 * The infrastructure of one integration test class, injectable into tests (for example to stop and restart the
 * broker).
 */
public final class TestInfrastructure {

    private final KraftBroker broker;
    private final TestDatabases.Database database;
    private final Path directory;

    TestInfrastructure(KraftBroker broker, TestDatabases.Database database, Path directory) {
        this.broker = broker;
        this.database = database;
        this.directory = directory;
    }

    public KraftBroker broker() {
        return broker;
    }

    public TestDatabases.Database database() {
        return database;
    }

    /** A scratch directory deleted after the class. */
    public Path directory() {
        return directory;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }
}
