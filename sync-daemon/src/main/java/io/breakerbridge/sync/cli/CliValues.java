package io.breakerbridge.sync.cli;

import io.breakerbridge.formats.spring.SpringBootYaml;
import io.breakerbridge.model.EngineKind;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.propagation.ConflictPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters for the verbs' option values: each checks its value once, as picocli parses it, and says what
 * it expected; {@link Cli} shows a refusal as {@code --option: value (expected: ...)} with the verb's usage.
 */
final class CliValues {
    private CliValues() {}

    /** A value refused: {@code value} is the part at fault (the whole value when null), {@code expected} what fits. */
    static final class Refused extends TypeConversionException {
        private static final long serialVersionUID = 1L;
        private final @Nullable String value;

        Refused(@Nullable String value, String expected) {
            super(expected);
            this.value = value;
        }

        @Nullable String value() {
            return value;
        }
    }

    /** A TCP port, 0 to 65535 (0: any free one). */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) inRange(value, 0, 65535, "a port from 0 to 65535");
        }
    }

    /** A count, at least 1. */
    static final class Count implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) inRange(value, 1, Integer.MAX_VALUE, "an integer >= 1");
        }
    }

    /** A snapshot version, at least 1. */
    static final class Version implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return inRange(value, 1, Long.MAX_VALUE, "a version >= 1");
        }
    }

    /** A share in percent, 0 to 100. */
    static final class Percent implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) inRange(value, 0, 100, "an integer from 0 to 100");
        }
    }

    /** A share above 0 and at most 1. */
    static final class Share implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            final double share;
            try {
                share = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("a number above 0 and at most 1");
            }
            if (!(share > 0 && share <= 1)) {
                throw new TypeConversionException("a number above 0 and at most 1");
            }
            return share;
        }
    }

    /** {@code sentinel} or {@code resilience4j}. */
    static final class Engine implements ITypeConverter<EngineKind> {
        @Override
        public EngineKind convert(String value) {
            try {
                return EngineKind.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("sentinel or resilience4j");
            }
        }
    }

    /** {@code hold}, {@code neutral-wins} or {@code sentinel-wins}. */
    static final class Policy implements ITypeConverter<ConflictPolicy> {
        @Override
        public ConflictPolicy convert(String value) {
            return switch (value) {
                case "hold" -> ConflictPolicy.HOLD;
                case "neutral-wins" -> ConflictPolicy.NEUTRAL_WINS;
                case "sentinel-wins" -> ConflictPolicy.SENTINEL_WINS;
                default -> throw new TypeConversionException("hold, neutral-wins or sentinel-wins");
            };
        }
    }

    /** {@code text} or {@code json}. */
    static final class LogFormat implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!"text".equals(value) && !"json".equals(value)) {
                throw new TypeConversionException("text or json");
            }
            return value;
        }
    }

    /** One of the export formats. */
    static final class ExportFormat implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!RuleFormats.FORMATS.contains(value)) {
                throw new TypeConversionException("one of " + String.join(", ", RuleFormats.FORMATS));
            }
            return value;
        }
    }

    /** Comma-separated Sentinel app names. */
    static final class Apps implements ITypeConverter<List<String>> {
        @Override
        public List<String> convert(String value) {
            final List<String> apps = new ArrayList<>();
            for (String app : value.split(",", -1)) {
                try {
                    apps.add(SnapshotKey.validateService(app.strip()));
                } catch (InvalidValueException e) {
                    throw new Refused(app, "comma-separated Sentinel app names of [A-Za-z0-9._-]");
                }
            }
            return List.copyOf(apps);
        }
    }

    /** A whole number of seconds, minutes, hours or days: {@code 30d}, {@code 12h}. */
    static final class Age implements ITypeConverter<Duration> {
        private static final Pattern AGE = Pattern.compile("([1-9][0-9]{0,8})([smhd])");

        @Override
        public Duration convert(String value) {
            final Matcher m = AGE.matcher(value);
            if (!m.matches()) {
                throw new TypeConversionException("a whole number of s, m, h or d, e.g. 30d");
            }
            return duration(Long.parseLong(m.group(1)), m.group(2));
        }
    }

    /** {@code n} of {@code unit}: ms, s, m, h or d. */
    private static Duration duration(long n, String unit) {
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** A duration of zero or more: {@code 0}, or a whole number of s, m or h. */
    static final class Window implements ITypeConverter<Duration> {
        private static final Pattern WINDOW = Pattern.compile("([0-9]{1,9})(ms|s|m|h)|0");

        @Override
        public Duration convert(String value) {
            final Matcher m = WINDOW.matcher(value);
            if (!m.matches()) {
                throw new TypeConversionException("0, or a whole number of ms, s, m or h, e.g. 10s");
            }
            if (m.group(1) == null) {
                return Duration.ZERO;
            }
            return duration(Long.parseLong(m.group(1)), m.group(2));
        }
    }

    /** How resilience4j instances are named: {@code bracketed} or {@code simple}. */
    static final class Naming implements ITypeConverter<SpringBootYaml.Naming> {
        @Override
        public SpringBootYaml.Naming convert(String value) {
            return switch (value) {
                case "bracketed" -> SpringBootYaml.Naming.BRACKETED;
                case "simple" -> SpringBootYaml.Naming.SIMPLE;
                default -> throw new TypeConversionException("bracketed or simple");
            };
        }
    }

    /** A conflict's winner: {@code neutral} or {@code sentinel}. */
    static final class Side implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!value.equals("neutral") && !value.equals("sentinel")) {
                throw new TypeConversionException("neutral or sentinel");
            }
            return value;
        }
    }

    /** {@code value} as a whole number from {@code min} to {@code max}, or refused saying {@code expected}. */
    private static long inRange(String value, long min, long max, String expected) {
        final long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new TypeConversionException(expected);
        }
        if (n < min || n > max) {
            throw new TypeConversionException(expected);
        }
        return n;
    }
}
