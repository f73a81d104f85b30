package org.cb4i.sdk.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.cb4i.sdk.MalformedInputException;
import org.junit.jupiter.api.Test;

/** [LOG-2]: a log entry's writer and reader, side by side. */
class LogEntryTest {
    @Property(tries = 300)
    void anyEntry_roundTripsThroughItsBytes(@ForAll String iss, @ForAll String licensee, @ForAll String url, @ForAll @IntRange(min = 100, max = 599) int status,
            @ForAll @LongRange(min = 0) long bytes, @ForAll boolean partial, @ForAll boolean perRequest, @ForAll boolean complete,
            @ForAll @LongRange(min = 0, max = 4_000_000_000L) long time) {
        LogEntry e = new LogEntry("AAECAwQFBgcICQoLDA0ODw", Instant.ofEpochSecond(time), iss, licensee, "jti-" + url.length(), "jkt", "GET", url, status,
                bytes, partial ? Optional.of("bytes 0-9/" + bytes) : Optional.empty(), "00".repeat(32), List.of("ai-train", "search"),
                perRequest ? Optional.of("sig1=(\"@authority\");tag=\"web-bot-auth\"") : Optional.empty(),
                perRequest ? Optional.of("sig1=:AAAA:") : Optional.empty(), complete);
        byte[] b = e.toBytes();
        assertThat(LogEntry.parse(b)).isEqualTo(e);
        assertThat(LogEntry.ridOf(b)).isEqualTo("AAECAwQFBgcICQoLDA0ODw");
    }

    @Test
    void aReader_takesWhatItFinds_andRefusesWhatIsNotJson() {
        LogEntry partial = LogEntry.parse("{\"rid\":\"r1\",\"url\":\"https://x/\",\"status\":\"200\",\"extra\":{\"a\":[1]}}".getBytes(StandardCharsets.UTF_8));
        assertThat(partial.rid()).isEqualTo("r1");
        assertThat(partial.url()).isEqualTo("https://x/");
        assertThat(partial.status()).as("a member of another type reads as empty").isZero();
        assertThat(partial.jkt()).isEmpty();
        assertThat(partial.complete()).isFalse();
        assertThatThrownBy(() -> LogEntry.parse("[1]".getBytes(StandardCharsets.UTF_8))).isInstanceOf(MalformedInputException.class);
        assertThatThrownBy(() -> LogEntry.parse("{\"rid\":\"a\",\"rid\":\"b\"}".getBytes(StandardCharsets.UTF_8))).isInstanceOf(MalformedInputException.class);
        assertThatThrownBy(() -> LogEntry.parse("{} {}".getBytes(StandardCharsets.UTF_8))).isInstanceOf(MalformedInputException.class);
    }
}
