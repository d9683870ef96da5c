package io.breakerbridge.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The layout holds: no two packages of BreakerBridge depend on each other, directly or round a loop (Maven already
 * refuses a cycle between modules). The examples see every module but the conformance runner and the benchmarks
 * (one package each), so this reads the package dependencies of every module on their class path with jdeps.
 */
class PackageCyclesTest {
    private static final String OURS = "(io\\.breakerbridge|com\\.alibaba\\.csp\\.sentinel\\.slots\\.block\\.degrade)\\..*";

    @Test
    void noPackageDependsOnItselfRoundALoop() {
        final List<String> modules = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            final String name = new File(entry).getName();
            if (entry.contains("breakerbridge-") && name.endsWith(".jar") || entry.endsWith("target" + File.separator
                                                                                            + "classes")) {
                modules.add(entry);
            }
        }
        assertThat(modules).as("module outputs on the class path").hasSizeGreaterThan(10);
        final Map<String, Set<String>> uses = new TreeMap<>();
        for (String module : modules) {
            for (String line : jdeps(module).split("\n")) {
                final String[] parts = line.trim().split("\\s+");
                if (parts.length >= 3 && "->".equals(parts[1]) && parts[0].matches(OURS) && parts[2].matches(OURS)
                    && !parts[0].equals(parts[2])) {
                    uses.computeIfAbsent(parts[0], k -> new TreeSet<>()).add(parts[2]);
                }
            }
        }
        assertThat(uses).as("package dependencies found").hasSizeGreaterThan(20);
        assertThat(cycles(uses)).as("packages that depend on each other").isEmpty();
    }

    private static String jdeps(String path) {
        final ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        final StringWriter out = new StringWriter();
        final int status = jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "-verbose:package",
                                     "-e", OURS, path);
        assertThat(status).as("jdeps on " + path + ": " + out).isZero();
        return out.toString();
    }

    /** The strongly connected sets of more than one package (Tarjan). */
    private static List<Set<String>> cycles(Map<String, Set<String>> uses) {
        final Map<String, Integer> index = new HashMap<>();
        final Map<String, Integer> low = new HashMap<>();
        final Deque<String> stack = new ArrayDeque<>();
        final List<Set<String>> found = new ArrayList<>();
        for (String start : uses.keySet()) {
            if (!index.containsKey(start)) {
                visit(start, uses, index, low, stack, found);
            }
        }
        return found;
    }

    private static void visit(String v, Map<String, Set<String>> uses, Map<String, Integer> index,
                              Map<String, Integer> low, Deque<String> stack, List<Set<String>> found) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        for (String w : uses.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                visit(w, uses, index, low, stack, found);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (stack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            final Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                found.add(component);
            }
        }
    }
}
