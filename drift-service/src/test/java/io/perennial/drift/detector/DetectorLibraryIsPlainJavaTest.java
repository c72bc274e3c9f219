package io.perennial.drift.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DetectorLibraryIsPlainJavaTest {

    @Test
    void theDetectorPackagesImportNothingButTheJdkAndThemselves() throws IOException {
        Path root = Path.of("src/main/java/io/perennial/drift/detector");
        List<String> offending;
        try (Stream<Path> files = Files.walk(root)) {
            offending = files.filter(p -> p.toString().endsWith(".java")).flatMap(p -> {
                try {
                    return Files.readAllLines(p).stream().filter(l -> l.startsWith("import "))
                            .filter(l -> !l.startsWith("import java.") && !l.startsWith("import static java.")
                                    && !l.startsWith("import io.perennial.drift.detector."))
                            .map(l -> p.getFileName() + ": " + l);
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            }).toList();
        }
        assertThat(offending).isEmpty();
    }
}
