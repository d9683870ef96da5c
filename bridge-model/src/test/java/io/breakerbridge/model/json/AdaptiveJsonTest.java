package io.breakerbridge.model.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.model.AdaptiveSpec;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSpec;
import org.junit.jupiter.api.Test;

/** The optional {@code rateLimits[].adaptive} section: strict, canonical, part of the content hash. */
class AdaptiveJsonTest {
    private static ThresholdSpec read(String limit) {
        return SnapshotReader.readDocument("{\"rateLimits\":[" + limit + "]}").spec();
    }

    @Test
    void aSectionIsReadAndWrittenBack() {
        final ThresholdSpec spec = read("{\"maxQps\":200,\"adaptive\":{\"floor\":50,\"ceiling\":1000,"
                                        + "\"targetErrorRatio\":0.02,\"targetP95Ms\":300}}");
        final RateLimitSpec limit = spec.rateLimits().get(0);

        assertThat(limit.adaptive()).isEqualTo(new AdaptiveSpec(50, 1000, 0.02, 300L));
        assertThat(read(StrictJson.serialize(SnapshotWriter.toNode(spec).get("rateLimits").get(0)))).isEqualTo(spec);
    }

    @Test
    void targetsHaveDefaults() {
        final AdaptiveSpec adaptive = read("{\"maxQps\":200,\"adaptive\":{\"floor\":50,\"ceiling\":1000}}")
                .rateLimits().get(0).adaptive();

        assertThat(adaptive).isEqualTo(new AdaptiveSpec(50, 1000, AdaptiveSpec.DEFAULT_TARGET_ERROR_RATIO, null));
    }

    @Test
    void theSectionChangesTheContentHashButAMaxQpsChangeKeepsIt() {
        final SnapshotKey key = new SnapshotKey("s", "r");
        final ThresholdSpec plain = read("{\"maxQps\":200}");
        final ThresholdSpec adaptive = read("{\"maxQps\":200,\"adaptive\":{\"floor\":50,\"ceiling\":1000}}");

        assertThat(ContentHash.of(key, adaptive)).isNotEqualTo(ContentHash.of(key, plain));
        assertThat(adaptive.rateLimits().get(0).withMaxQps(300).adaptive())
                .isEqualTo(adaptive.rateLimits().get(0).adaptive());
    }

    @Test
    void badValuesNameTheirPathAndExpectation() {
        assertThatThrownBy(() -> read("{\"maxQps\":200,\"adaptive\":{\"floor\":50}}"))
                .hasMessageContaining("rateLimits[0].adaptive.ceiling");
        assertThatThrownBy(() -> read("{\"maxQps\":200,\"adaptive\":{\"floor\":500,\"ceiling\":100}}"))
                .hasMessageContaining("ceiling: 100").hasMessageContaining(">= floor");
        assertThatThrownBy(() -> read("{\"maxQps\":20,\"adaptive\":{\"floor\":50,\"ceiling\":100}}"))
                .hasMessageContaining("maxQps: 20").hasMessageContaining("50");
        assertThatThrownBy(() -> read("{\"maxQps\":60,\"adaptive\":{\"floor\":50,\"ceiling\":100,"
                                      + "\"targetErrorRatio\":1.5}}"))
                .hasMessageContaining("targetErrorRatio: 1.5");
        assertThatThrownBy(() -> read("{\"maxQps\":60,\"adaptive\":{\"floor\":50,\"ceiling\":100,\"step\":2}}"))
                .hasMessageContaining("adaptive.step");
        assertThatThrownBy(() -> read("{\"maxQps\":60,\"behavior\":\"WARM_UP\",\"warmUpSec\":10,"
                                      + "\"adaptive\":{\"floor\":50,\"ceiling\":100}}"))
                .hasMessageContaining("rateLimits[0].adaptive").hasMessageContaining("absent for behavior WARM_UP");
    }
}
