package io.breakerbridge.sync.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A verb's arguments as picocli parsed them: positionals in order, options by name (a flag's value is "true"). */
final class Args {
    private final List<String> positionals = new ArrayList<>();
    private final Map<String, String> options = new HashMap<>();

    /** The arguments a parsed command line gave: positionals in order, options by name without dashes. */
    static Args of(List<String> positionals, Map<String, String> options) {
        final Args a = new Args();
        a.positionals.addAll(positionals);
        a.options.putAll(options);
        return a;
    }

    @Nullable String option(String name) {
        return options.get(name);
    }

    String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    int intOption(String name, int fallback) {
        final String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            final int parsed = Integer.parseInt(value);
            if (parsed < 0 || parsed > 65535) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + ": " + value + " (expected: a port from 0 to 65535)");
        }
    }

    int countOption(String name, int fallback) {
        final String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            final int parsed = Integer.parseInt(value);
            if (parsed < 1) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + ": " + value + " (expected: an integer >= 1)");
        }
    }

    long longOption(String name) {
        try {
            final long parsed = Long.parseLong(options.get(name));
            if (parsed < 1) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + ": " + options.get(name) + " (expected: a version >= 1)");
        }
    }

    int positionalCount() {
        return positionals.size();
    }

    String positional(int index) {
        return positionals.get(index);
    }

    void expectPositional(int count) {
        if (positionals.size() != count) {
            throw new UsageException("expected " + count + " argument" + (count == 1 ? "" : "s") + ", got "
                                     + positionals.size() + " " + positionals);
        }
    }
}
