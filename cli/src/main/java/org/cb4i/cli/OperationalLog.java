package org.cb4i.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operational messages of the long-running commands ({@code cb4i proxy}, {@code cb4i issuer}) through SLF4J and
 * Logback, on standard error: as text lines ({@code cb4i proxy: receipts log: ...}, the default) or as one JSON object a
 * line ({@code --log-format json}: {@code timestamp} in epoch milliseconds, {@code level}, {@code loggerName},
 * {@code message}, {@code throwable}), which a log shipper reads without parsing prose. Vert.x and Netty log through the
 * same appender (warnings and errors only). The access log is apart: it is JSON always, and goes where
 * {@code access_log} says.
 */
final class OperationalLog {
    /** How operational messages are written. */
    enum Format { TEXT, JSON }

    private OperationalLog() {}

    /**
     * Configures the output for {@code format}. Does nothing when SLF4J is bound to another backend (Spark's, when
     * {@code cb4i verify --engine spark} puts Spark's jars first).
     */
    static void configure(Format format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        ctx.reset();
        Encoder<ILoggingEvent> encoder;
        if (format == Format.JSON) {
            JsonEncoder json = new JsonEncoder();
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithThreadName(false);
            json.setWithMDC(false);
            json.setWithKVPList(false);
            json.setWithMarkers(false);
            json.setWithArguments(false);
            json.setWithFormattedMessage(false);
            encoder = json;
        } else {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setPattern("%replace(%logger){'^cb4i\\.', 'cb4i '}: %msg%n");
            encoder = text;
        }
        encoder.setContext(ctx);
        encoder.start();
        ConsoleAppender<ILoggingEvent> err = new ConsoleAppender<>();
        err.setContext(ctx);
        err.setName("stderr");
        err.setTarget("System.err");
        err.setEncoder(encoder);
        err.start();
        ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(err);
        ctx.getLogger("cb4i").setLevel(Level.INFO);
    }

    /** Parses {@code --log-format}: {@code text} or {@code json}. */
    static Format parse(String s) {
        try {
            return Format.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.TypeConversionException("expected text or json; found \"" + s + "\"");
        }
    }

    /**
     * The message sink of a component ({@code proxy}, {@code issuer}): each message at the level its words say, ERROR for
     * a failure that stops recording ({@code FAILED}, {@code corrupt}), WARN for what was refused or is unreachable,
     * INFO otherwise.
     */
    static Consumer<String> of(String component) {
        Logger log = LoggerFactory.getLogger("cb4i." + component);
        return line -> {
            if (line.contains("FAILED") || line.contains("corrupt")) {
                log.error(line);
            } else if (line.contains("NOT ") || line.contains("cannot") || line.contains("could not") || line.contains("unreachable")
                    || line.contains("dropped") || line.contains("missing")) {
                log.warn(line);
            } else {
                log.info(line);
            }
        };
    }
}
