package org.cb4i.conformance.blackbox.checks;

import static org.cb4i.conformance.blackbox.Expect.served;
import static org.cb4i.conformance.blackbox.Expect.that;
import static org.cb4i.conformance.blackbox.Testbed.mark;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.cb4i.conformance.blackbox.Check;
import org.cb4i.conformance.blackbox.HttpExchange;
import org.cb4i.conformance.blackbox.Profile;
import org.cb4i.conformance.blackbox.Testbed;

/**
 * The slow clients and floods of research/security.md §A3 (PRX-11, PRX-12) at a proxy's HTTP/1.1 boundary, each
 * bounded in count and time on loopback: clients that dribble their request header are closed within the header
 * timeout the profile names, while others are served; many idle connections do not keep others out; a burst of
 * pipelined requests in one segment is answered in order, each once, with no desync.
 */
public final class SlowAndFloodChecks {
    private SlowAndFloodChecks() {}

    static final int SLOW_CLIENTS = 20;
    static final int IDLE_CONNECTIONS = 500;
    static final int PIPELINED = 100;
    static final int BURST = 1000;

    public static List<Check> all() {
        List<Check> c = new ArrayList<>();
        c.add(new Check("PRX-11 " + SLOW_CLIENTS + " clients dribbling their request header (slowloris) are closed within the header timeout, "
                + "and others are served meanwhile", List.of("ENF-5"), bed -> {
                    List<Socket> slow = new ArrayList<>();
                    try {
                        for (int i = 0; i < SLOW_CLIENTS; i++) {
                            Socket s = new Socket(bed.proxy().getHost(), bed.proxy().getPort());
                            s.getOutputStream().write(("GET /open/" + mark() + " HTTP/1.1\r\nHost: " + bed.authority() + "\r\nX-Slow: ")
                                    .getBytes(StandardCharsets.ISO_8859_1));
                            slow.add(s);
                        }
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Profile.HEADER_TIMEOUT_SECONDS + 5);
                        boolean healthyChecked = false;
                        Set<Socket> open = new HashSet<>(slow);
                        while (!open.isEmpty() && System.nanoTime() < deadline) {
                            for (Socket s : List.copyOf(open)) {
                                try {
                                    s.getOutputStream().write('a'); // one header byte every half second: never the end of the header
                                    s.getOutputStream().flush();
                                    s.setSoTimeout(1);
                                    s.getInputStream().read(); // -1: closed; a byte: the proxy answered (a 408) and closes
                                    open.remove(s);
                                } catch (SocketTimeoutException stillOpen) {
                                    // nothing yet
                                } catch (IOException closed) {
                                    open.remove(s);
                                }
                            }
                            if (!healthyChecked) {
                                long t0 = System.nanoTime();
                                served(bed.send(bed.humanGet("/open/" + mark())));
                                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                                that(ms < 2000, "a healthy request took " + ms + " ms while " + SLOW_CLIENTS + " slow clients were connected");
                                healthyChecked = true;
                            }
                            Thread.sleep(500);
                        }
                        that(open.isEmpty(), open.size() + " of " + SLOW_CLIENTS + " connections still dribbling their header were open "
                                + (Profile.HEADER_TIMEOUT_SECONDS + 5) + " s after they began (the profile's header timeout is "
                                + Profile.HEADER_TIMEOUT_SECONDS + " s)");
                    } finally {
                        for (Socket s : slow) {
                            s.close();
                        }
                    }
                }));
        c.add(new Check("PRX-12 " + IDLE_CONNECTIONS + " idle connections do not keep another client from being served", List.of("ENF-5"), bed -> {
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < IDLE_CONNECTIONS; i++) {
                    idle.add(new Socket(bed.proxy().getHost(), bed.proxy().getPort()));
                }
                long t0 = System.nanoTime();
                served(bed.send(bed.humanGet("/open/" + mark())));
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                that(ms < 2000, "a request took " + ms + " ms beside " + IDLE_CONNECTIONS + " idle connections");
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
        }));
        c.add(new Check("PRX-12 " + PIPELINED + " GETs pipelined in one segment: answered in order, each once", List.of("ENF-5"), bed -> {
            String m = mark();
            List<HttpExchange.Response> got = pipeline(bed, m, PIPELINED);
            that(got.size() == PIPELINED, "of " + PIPELINED + " pipelined requests, " + got.size() + " were answered before the connection closed");
            List<LoggedRequest> seen = bed.originSaw(m);
            Set<String> paths = new HashSet<>();
            seen.forEach(r -> paths.add(r.getUrl()));
            that(seen.size() == PIPELINED && paths.size() == PIPELINED, "the origin saw " + seen.size() + " requests (" + paths.size()
                    + " distinct) for " + PIPELINED + " pipelined ones");
        }));
        c.add(new Check("PRX-12 " + BURST + " GETs pipelined in one segment: what is answered is answered in order, then the rest or a close; "
                + "never a desync", List.of("ENF-5"), bed -> {
                    String m = mark();
                    List<HttpExchange.Response> got = pipeline(bed, m, BURST);
                    // A proxy may bound how deep a client pipelines (Netty closes past 128 requests not yet answered): fine,
                    // so long as every answer it gives is the one due, in order, and the connection then ends.
                    served(bed.send(bed.humanGet("/open/" + mark())));
                    that(got.size() <= BURST, "more answers than requests: " + got.size());
                }));
        return c;
    }

    /**
     * Sends {@code n} GETs of {@code /open/<m>-<i>} in one write and reads the answers in order until they are all read
     * or the connection ends; each answer must be the origin's page for its request (a 200 with the page) or the
     * reading stops at a close. A response that is not the page, or bytes that are not a response, fail the check.
     */
    static List<HttpExchange.Response> pipeline(Testbed bed, String m, int n) throws IOException {
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < n; i++) {
            burst.append("GET /open/").append(m).append('-').append(i).append(" HTTP/1.1\r\nHost: ").append(bed.authority()).append("\r\n\r\n");
        }
        List<HttpExchange.Response> got = new ArrayList<>();
        try (Socket s = new Socket(bed.proxy().getHost(), bed.proxy().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(burst.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException closedEarly) {
                // the proxy may close while the burst is still arriving: read what it answered
            }
            InputStream in = new BufferedInputStream(s.getInputStream());
            for (int i = 0; i < n; i++) {
                HttpExchange.Response r;
                try {
                    r = HttpExchange.read(in, HttpExchange.request("GET", "/open/" + m + "-" + i));
                } catch (java.net.SocketException reset) {
                    break; // reset after the last answer: the connection ended
                }
                if (r.status() == 0) {
                    break; // closed: the rest is not answered
                }
                int k = i;
                that(r.status() == 200 && new String(r.body(), StandardCharsets.UTF_8).equals(new String(Testbed.ORIGIN_BODY, StandardCharsets.UTF_8)),
                        () -> "pipelined answer " + k + " is not the origin's page: " + r);
                got.add(r);
            }
        }
        return got;
    }
}
