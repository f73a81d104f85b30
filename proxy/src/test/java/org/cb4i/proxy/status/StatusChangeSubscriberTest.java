package org.cb4i.proxy.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.cb4i.sdk.Eventually;
import org.cb4i.sdk.fetch.FetchPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** [STS-8] as a proxy reads a change stream: new changes fetched, old and repeated ones ignored, a dropped stream resumed. */
class StatusChangeSubscriberTest {
    static final String LIST = "https://c.example/status/1";
    HttpServer server;
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final List<URI> refreshed = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static String event(long seq) {
        return "id: " + seq + "\nevent: status\ndata: {\"uri\":\"" + LIST + "\",\"seq\":" + seq + "}\n\n";
    }

    /** A stream server that answers each connection with the next script, then closes it. */
    URI serve(List<String> scripts) throws Exception {
        AtomicInteger n = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/status/changes", x -> {
            int i = n.getAndIncrement();
            if (i >= scripts.size()) {
                x.sendResponseHeaders(404, -1);
                x.close();
                return;
            }
            x.getResponseHeaders().add("Content-Type", "text/event-stream");
            x.sendResponseHeaders(200, 0);
            try (OutputStream out = x.getResponseBody()) {
                out.write(scripts.get(i).getBytes(StandardCharsets.UTF_8));
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/status/changes");
    }

    @Test
    void newChangesAreFetched_oldAndRepeatedOnesAreNot_andADroppedStreamIsResumed() throws Exception {
        URI u = serve(List.of(
                "retry: 1000\n\n" + event(5) + ": keep-alive\n\n" + event(3) + event(5) + "event: status\ndata: not json\n\n" + event(6),
                event(6) + event(7),          // reconnected: the current seq again (nothing new), then a change
                event(2)));                   // an issuer whose store was replaced: its count starts again
        try (StatusChangeSubscriber s = new StatusChangeSubscriber(u, FetchPolicy.strict().allowPlainHttp().allowPrivateAddresses(), uri -> {
            refreshed.add(uri);
            return true;
        }, events::add).start()) {
            Eventually.until(Duration.ofSeconds(15), "three connections served", () -> refreshed.size() >= 4
                    && events.stream().filter(e -> e.contains("dropped (the issuer closed it)")).count() == 3);
            Thread.sleep(1500); // the fourth connection is refused (404): nothing more is fetched, and a drop is said once
            assertThat(refreshed).as("seq 5, 6, 7, then 2 after the restart; never 3 or a repeat").hasSize(4).containsOnly(URI.create(LIST));
            assertThat(s.refreshes()).isEqualTo(4);
            assertThat(events).anyMatch(e -> e.contains("not JSON; ignored"));
            assertThat(events.stream().filter(e -> e.contains("dropped")).count()).as("once per drop, not once per retry").isEqualTo(3);
        }
    }

    @Test
    void aStreamRefusedByTheFetchRules_isNamedAndRetried() throws Exception {
        URI u = serve(List.of(event(1)));
        try (StatusChangeSubscriber s = new StatusChangeSubscriber(u, FetchPolicy.strict(), uri -> true, events::add).start()) {
            Eventually.until(Duration.ofSeconds(5), "the refusal said", () -> !events.isEmpty());
            assertThat(events.get(0)).contains("cannot be reached").contains("http");
            assertThat(s.connected()).isFalse();
        }
    }
}
