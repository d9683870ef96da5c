package io.breakerbridge.sync.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The daemon's text log (its logback.xml, as shipped) keeps every entry on one line, whatever a client sent. */
class EscapedMessageConverterTest {
    @Test
    void aValueWithLineBreaksCannotForgeALogLine() {
        final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        final Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        final OutputStreamAppender<?> out = (OutputStreamAppender<?>) root.getAppender("OUT");
        final PatternLayoutEncoder encoder = (PatternLayoutEncoder) out.getEncoder();
        final LoggingEvent event = new LoggingEvent(getClass().getName(), root, Level.INFO,
                                                    "rejected write of {}: {}", null,
                                                    new Object[] {"payment/a", "x\n2026-12-03 INFO forged\r\u0007"});

        final String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

        assertThat(line).endsWith("rejected write of payment/a: x\\n2026-12-03 INFO forged\\r\\u0007"
                                  + System.lineSeparator());
        assertThat(line.strip().lines()).hasSize(1);
    }

    @Test
    void plainTextIsLeftAsItIs() {
        assertThat(LogText.escape("payment/POST:/pay v3 été")).isEqualTo("payment/POST:/pay v3 été");
        assertThat(LogText.escape("a\tb\u2028c")).isEqualTo("a\\tb\\u2028c");
    }
}
