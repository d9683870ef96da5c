package io.breakerbridge.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alibaba.nacos.api.config.ConfigService;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dashboard double does what the real dashboard 1.8.9 does to rules in Nacos, quirks included. */
class DashboardDoubleTest {
    private final InMemoryNacos nacos = new InMemoryNacos(Clock.systemUTC()).staleReads(0);
    private final ConfigService client = nacos.client();
    private final DashboardDouble dashboard = new DashboardDouble(client);

    @AfterEach
    void tearDown() throws InterruptedException {
        nacos.close();
    }

    @Test
    void rulesReadWithoutAnIdAreNumberedAgainOnEveryList() throws Exception {
        client.publishConfig("pay-flow-rules", DashboardDouble.GROUP, "[{\"resource\":\"a\",\"count\":1}]");

        final long first = dashboard.idOf("pay", "a").orElse(-1L);
        dashboard.list("pay");
        final long listed = dashboard.idOf("pay", "a").orElseThrow();
        dashboard.list("pay");

        assertThat(first).isEqualTo(-1L);
        assertThat(dashboard.idOf("pay", "a")).get().isNotEqualTo(listed);
        assertThatThrownBy(() -> dashboard.edit(listed, 5)).hasMessage("id " + listed + " does not exist");
    }

    @Test
    void listingAnAppForgetsEveryOtherAppAndASavePublishesOnlyWhatIsInMemory() throws Exception {
        client.publishConfig("pay-flow-rules", DashboardDouble.GROUP,
                             "[{\"id\":7,\"resource\":\"a\",\"count\":1},{\"id\":8,\"resource\":\"b\",\"count\":1}]");
        dashboard.list("pay");
        dashboard.list("orders");

        dashboard.add("pay", "c", 3);
        nacos.drainPushes();

        assertThat(nacos.content("pay-flow-rules", DashboardDouble.GROUP)).contains("\"resource\":\"c\"")
                                                                         .doesNotContain("\"resource\":\"a\"");
        assertThat(nacos.writes("pay-flow-rules", DashboardDouble.GROUP)).isEqualTo(2);
    }

    @Test
    void aDeleteOfAnIdItDoesNotHoldSucceedsAndDeletesNothing() throws Exception {
        client.publishConfig("pay-flow-rules", DashboardDouble.GROUP, "[{\"id\":7,\"resource\":\"a\",\"count\":1}]");
        dashboard.list("pay");

        dashboard.delete(99);
        dashboard.edit(7, 4);

        assertThat(nacos.content("pay-flow-rules", DashboardDouble.GROUP)).contains("\"count\":4")
                                                                         .contains("\"id\":7");
        dashboard.delete(7);
        assertThat(nacos.content("pay-flow-rules", DashboardDouble.GROUP)).isEqualTo("[]");
    }
}
