package io.perennial.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perennial.embedded.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user can get wrong before the stack starts is explained in one line, with a non-zero exit code. */
class StackPreflightTest {

    @TempDir
    Path home;

    @Test
    void aTakenPortIsNamedWithItsService() throws Exception {
        Map<String, String> env = AllInOneStackIT.freePorts(home);
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(Integer.parseInt(env.get("PERENNIAL_REGISTRY_PORT"))));
            assertThat(runCli(env, "up")).satisfies(r -> {
                assertThat(r.exitCode()).isEqualTo(1);
                assertThat(r.err()).startsWith("perennial: port " + env.get("PERENNIAL_REGISTRY_PORT")
                        + " (registry-service) is already in use").doesNotContain("Exception").hasLineCount(1);
            });
        }
    }

    @Test
    void anUnwritableDataDirectoryIsExplained() throws Exception {
        Path readOnly = Files.createDirectory(home.resolve("ro"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        Map<String, String> env = AllInOneStackIT.freePorts(readOnly.resolve("data"));
        Stack stack = new Stack(StackConfig.fromEnvironment(env));
        // Root ignores permissions; a file standing where the directory should be fails for everyone.
        Path blocked = home.resolve("blocked");
        Files.writeString(blocked, "not a directory");
        Stack blockedStack = new Stack(StackConfig.fromEnvironment(AllInOneStackIT.freePorts(blocked)));
        assertThatThrownBy(blockedStack::preflight).isInstanceOf(StackException.class)
                .hasMessageContaining("cannot write to the data directory").hasMessageContaining("PERENNIAL_HOME");
        if (!"root".equals(System.getProperty("user.name"))) {
            assertThatThrownBy(stack::preflight).isInstanceOf(StackException.class)
                    .hasMessageContaining("cannot write to the data directory");
        }
    }

    @Test
    void anUnreachableExternalDatabaseIsExplained() {
        Map<String, String> env = AllInOneStackIT.freePorts(home);
        env.put("PERENNIAL_DB_URL", "jdbc:postgresql://127.0.0.1:" + FreePorts.find() + "/perennial");
        env.put("PERENNIAL_DB_PASSWORD", "secret-value");
        CliResult result = runCli(env, "up");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("perennial: cannot reach the database at jdbc:postgresql://127.0.0.1:")
                .contains("PERENNIAL_DB_URL").doesNotContain("secret-value").hasLineCount(1);
    }

    @Test
    void invalidPortVariablesAndUnknownCommandsAreRejected() {
        assertThatThrownBy(() -> StackConfig.fromEnvironment(Map.of("PERENNIAL_INGEST_PORT", "http")))
                .isInstanceOf(StackException.class).hasMessage("PERENNIAL_INGEST_PORT=http is not a port number");
        assertThat(runCli(AllInOneStackIT.freePorts(home), "launch").exitCode()).isEqualTo(2);
        assertThat(runCli(AllInOneStackIT.freePorts(home), "help").out()).contains("./perennial <command>");
    }

    record CliResult(int exitCode, String out, String err) {
    }

    private static CliResult runCli(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new PerennialCli(StackConfig.fromEnvironment(env), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of(args));
        return new CliResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
