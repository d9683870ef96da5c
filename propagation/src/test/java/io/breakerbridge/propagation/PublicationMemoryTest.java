package io.breakerbridge.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PublicationMemoryTest {
    private static final String FLOW = "payment-flow-rules";
    private static final String DEGRADE = "payment-degrade-rules";

    private final PublicationMemory memory = new PublicationMemory();

    @Test
    void pushOfAnOlderPublicationIsAnEchoAndForgetsItAndOlderOnes() {
        memory.published(FLOW, "a", null, 1);
        memory.published(FLOW, "b", null, 2);
        memory.published(FLOW, "c", null, 3);

        assertThat(memory.consumeEcho(FLOW, "b")).isTrue();

        assertThat(memory.awaitingEcho(FLOW, "a")).isFalse();
        assertThat(memory.awaitingEcho(FLOW, "c")).isTrue();
        assertThat(memory.consumeEcho(FLOW, "b")).isFalse(); // the same bytes again: an edit
    }

    @Test
    void contentACompareAndSwapReplacedIsAwaitedAndRemembersWhen() {
        memory.published(FLOW, "new", "old", 42);

        assertThat(memory.awaitingEcho(FLOW, "old")).isTrue();
        assertThat(memory.replacedAt(FLOW, "old")).isEqualTo(42L);
        assertThat(memory.replacedAt(FLOW, "new")).isNull();
    }

    @Test
    void contentOfOneDataIdIsNoEchoOfAnother() {
        memory.published(FLOW, "same", null, 1);

        assertThat(memory.consumeEcho(DEGRADE, "same")).isFalse();
        assertThat(memory.awaitingEcho(FLOW, "same")).isTrue();
    }

    @Test
    void foreignContentForgetsThePendingEchoesOfItsDataIdOnly() {
        memory.published(FLOW, "a", null, 1);
        memory.published(DEGRADE, "d", null, 1);

        memory.foreignContentSeen(FLOW);

        assertThat(memory.awaitingEcho(FLOW, "a")).isFalse();
        assertThat(memory.awaitingEcho(DEGRADE, "d")).isTrue();
    }

    @Test
    void onlyTheNewestPublicationsAreAwaitedWhenPushesStop() {
        for (int i = 0; i <= PublicationMemory.MAX_UNECHOED; i++) {
            memory.published(FLOW, "v" + i, null, i);
        }

        assertThat(memory.awaitingEcho(FLOW, "v0")).isFalse();
        assertThat(memory.awaitingEcho(FLOW, "v1")).isTrue();
        assertThat(memory.awaitingEcho(FLOW, "v" + PublicationMemory.MAX_UNECHOED)).isTrue();
    }

    @Test
    void lastPublicationIsTheLatestOfAnyDataId() {
        assertThat(memory.lastPublication()).isNull();

        memory.published(FLOW, "a", null, 10);
        memory.published(DEGRADE, "d", null, 30);
        memory.published(FLOW, "b", "a", 20);

        assertThat(memory.lastPublication()).isEqualTo(30L);
        assertThat(memory.publishedAt(FLOW)).isEqualTo(20L);
    }

    @Test
    void clearForgetsEverything() {
        memory.published(FLOW, "new", "old", 5);

        memory.clear();

        assertThat(memory.awaitingEcho(FLOW, "new")).isFalse();
        assertThat(memory.replacedAt(FLOW, "old")).isNull();
        assertThat(memory.lastPublication()).isNull();
    }
}
