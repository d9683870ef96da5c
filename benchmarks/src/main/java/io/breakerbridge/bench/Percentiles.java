package io.breakerbridge.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The percentile the harnesses report: the value at rank {@code size * p / 100} of the sorted samples. */
final class Percentiles {
    private Percentiles() {}

    /** The {@code p}-th percentile of {@code values}; NaN when there are none. */
    static double of(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        final List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }
}
