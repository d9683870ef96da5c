package io.breakerbridge.nacos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.breakerbridge.testing.InMemoryNacos;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one JSON array appended by compare-and-swap (audit trail, history trail, services index), on the double. */
class CasJsonArrayTest {
    private static final String DATA_ID = "trail.json";
    private final InMemoryNacos nacos = new InMemoryNacos();

    @AfterEach
    void close() throws InterruptedException {
        nacos.close();
    }

    private CasJsonArray array() {
        return new CasJsonArray(new NacosDocuments(nacos.client(), "G", millis -> { }), DATA_ID);
    }

    private static UnaryOperator<List<JsonNode>> append(int value) {
        return entries -> {
            entries.add(IntNode.valueOf(value));
            return entries;
        };
    }

    @Test
    void twoWritersAppendingInTurnLoseNothing() throws Exception {
        final CasJsonArray a = array();
        final CasJsonArray b = array();
        for (int i = 0; i < 20; i++) {
            assertThat(a.update(append(2 * i), 10, Long.MAX_VALUE)).isNotEqualTo(CasJsonArray.Outcome.FAILED);
            assertThat(b.update(append(2 * i + 1), 10, Long.MAX_VALUE)).isNotEqualTo(CasJsonArray.Outcome.FAILED);
        }

        final StringBuilder all = new StringBuilder("[0");
        for (int i = 1; i < 40; i++) {
            all.append(',').append(i);
        }
        assertThat(nacos.content(DATA_ID, "G")).isEqualTo(all.append(']').toString());
    }

    @Test
    void aMergeThatChangesNothingWritesNothing() throws Exception {
        final CasJsonArray a = array();
        a.update(append(1), 5, Long.MAX_VALUE);
        final int writes = nacos.writes(DATA_ID, "G");

        assertThat(a.update(entries -> entries, 5, Long.MAX_VALUE)).isEqualTo(CasJsonArray.Outcome.UNCHANGED);
        assertThat(nacos.writes(DATA_ID, "G")).isEqualTo(writes);
    }

    @Test
    void contentThatIsNotAnArrayIsStartedAgain() throws Exception {
        nacos.client().publishConfig(DATA_ID, "G", "{\"not\":\"an array\"}");

        assertThat(array().update(append(7), 5, Long.MAX_VALUE)).isEqualTo(CasJsonArray.Outcome.STORED);
        assertThat(nacos.content(DATA_ID, "G")).isEqualTo("[7]");
    }

    @Test
    void creatingMergesAgainOnTopOfWhatIsStored() throws Exception {
        final CasJsonArray a = array();

        assertThat(a.updateIdempotent(entries -> {
            if (!entries.contains(IntNode.valueOf(1))) {
                entries.add(IntNode.valueOf(1));
            }
            return entries;
        }, 5, Long.MAX_VALUE)).isEqualTo(CasJsonArray.Outcome.STORED);
        assertThat(nacos.content(DATA_ID, "G")).isEqualTo("[1]");
    }

    @Test
    void aWriterThatKeepsLosingGivesUp() {
        nacos.failNextCas(100);

        assertThat(array().update(append(1), 3, Long.MAX_VALUE)).isEqualTo(CasJsonArray.Outcome.FAILED);
    }
}
