package io.breakerbridge.sentinel.probe;

import com.alibaba.csp.sentinel.log.RecordLog;
import com.alibaba.csp.sentinel.slotchain.AbstractLinkedProcessorSlot;
import com.alibaba.csp.sentinel.slotchain.DefaultProcessorSlotChain;
import com.alibaba.csp.sentinel.slotchain.ProcessorSlot;
import com.alibaba.csp.sentinel.slotchain.ProcessorSlotChain;
import com.alibaba.csp.sentinel.slotchain.SlotChainBuilder;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeSlot;
import com.alibaba.csp.sentinel.spi.SpiLoader;

/**
 * Builds Sentinel's slot chain as Sentinel's default builder does (every {@link ProcessorSlot} found through
 * Sentinel's SPI, in their order), with {@link ProbingDegradeSlot} in the place of Sentinel's
 * {@link DegradeSlot}. Sentinel takes the first non-default {@link SlotChainBuilder} it finds through its SPI;
 * BreakerBridge's Sentinel extension registers this one.
 */
public final class ProbingSlotChainBuilder implements SlotChainBuilder {
    @Override
    public ProcessorSlotChain build() {
        final ProcessorSlotChain chain = new DefaultProcessorSlotChain();
        for (ProcessorSlot<?> slot : SpiLoader.of(ProcessorSlot.class).loadInstanceListSorted()) {
            if (slot.getClass() == DegradeSlot.class) {
                chain.addLast(new ProbingDegradeSlot());
            } else if (slot instanceof AbstractLinkedProcessorSlot<?> linked) {
                chain.addLast(linked);
            } else {
                RecordLog.warn("[ProbingSlotChainBuilder] {} is not an AbstractLinkedProcessorSlot; left out, as "
                               + "Sentinel's own builder does", slot.getClass().getName());
            }
        }
        return chain;
    }
}
