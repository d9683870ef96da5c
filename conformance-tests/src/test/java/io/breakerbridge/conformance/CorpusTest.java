package io.breakerbridge.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every trace of the corpus in {@code conformance-tests/corpus} conforms (or diverges exactly as recorded). */
class CorpusTest {
    static final Path CORPUS = Path.of("corpus");

    static List<Trace> corpus() throws IOException {
        final List<Trace> traces = new ArrayList<>();
        try (Stream<Path> files = Files.list(CORPUS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                traces.addAll(TraceJson.read(Files.readString(file, StandardCharsets.UTF_8)));
            }
        }
        return traces;
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusTraceConforms() throws IOException {
        final TraceRunner runner = TraceRunner.standard();
        return corpus().stream().map(trace -> DynamicTest.dynamicTest(trace.name(), () -> {
            final TraceResult result = runner.run(trace);
            assertThat(result.failure()).as(trace.name()).isNull();
        }));
    }

    @Test
    void corpusCoversTheRequiredCases() throws IOException {
        final List<String> names = corpus().stream().map(Trace::name).toList();

        assertThat(names).hasSizeGreaterThan(40).doesNotHaveDuplicates();
        assertThat(corpus()).filteredOn(t -> t.divergence() != null).hasSizeGreaterThanOrEqualTo(3);
        assertThat(corpus()).filteredOn(t -> t.divergence() == null).allSatisfy(
                t -> assertThat(t.expect()).as(t.name()).isNotNull());
    }
}
