package io.perennial.testing;

import io.perennial.embedded.KraftBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a KRaft broker and creates a database before a test class, and exposes them to Spring through the
 * properties every Perennial service reads ({@code spring.kafka.bootstrap-servers}, {@code spring.datasource.*}).
 * Register it before the Spring extension (as {@link PerennialIntegrationTest} does) so the application context is
 * closed before the broker stops.
 */
public class PerennialInfrastructureExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PerennialInfrastructureExtension.class);
    private static final List<String> PROPERTIES = List.of("spring.kafka.bootstrap-servers", "spring.datasource.url",
            "spring.datasource.username", "spring.datasource.password");

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Path dir = Files.createTempDirectory("perennial-it");
        KraftBroker broker = KraftBroker.onFreePorts(dir.resolve("kafka")).start();
        TestDatabases.Database db = TestDatabases.create();
        System.setProperty("spring.kafka.bootstrap-servers", broker.bootstrapServers());
        System.setProperty("spring.datasource.url", db.url());
        System.setProperty("spring.datasource.username", db.username());
        System.setProperty("spring.datasource.password", db.password());
        context.getStore(NAMESPACE).put(TestInfrastructure.class, new TestInfrastructure(broker, db, dir));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        TestInfrastructure infra = context.getStore(NAMESPACE).remove(TestInfrastructure.class,
                TestInfrastructure.class);
        PROPERTIES.forEach(System::clearProperty);
        if (infra != null) {
            infra.broker().close();
            try (Stream<Path> files = Files.walk(infra.directory())) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestInfrastructure.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return infrastructure(context);
    }

    /** The infrastructure of the running test class. */
    public static TestInfrastructure infrastructure(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getParent().isPresent() && classContext.getTestMethod().isPresent()) {
            classContext = classContext.getParent().get();
        }
        TestInfrastructure infra = classContext.getStore(NAMESPACE).get(TestInfrastructure.class,
                TestInfrastructure.class);
        if (infra == null) {
            throw new IllegalStateException("no test infrastructure: annotate the class with @PerennialIntegrationTest");
        }
        return infra;
    }

    static KraftBroker broker(ExtensionContext context) {
        return infrastructure(context).broker();
    }
}
