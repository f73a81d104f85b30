package org.cb4i.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.cb4i.proxy.testing.RedisServer;
import org.cb4i.sdk.Eventually;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.Quota;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [TOK-10] across a site's instances: two proxies share their quota counters through a real redis-server, which the
 * tests stop, start again, flush and stall under load; each policy for an unreachable store does what it says.
 */
class RedisQuotaTest {
    @TempDir
    Path dir;
    RedisServer redis;
    ProxyHarness h;
    final List<Proxy> others = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        others.forEach(Proxy::close);
        if (h != null) {
            h.close();
        }
        redis.close();
    }

    /** Two instances of the site, both counting in the test's Redis with {@code policy}. */
    Proxy twoInstances(String policy) throws Exception {
        String quota = "quota:\n  store: " + redis.url() + "\n  on_store_unavailable: " + policy + "\n";
        h = new ProxyHarness(dir).start(quota);
        Proxy b = h.instance("b", quota);
        others.add(b);
        return b;
    }

    /** A license of its own licensee (the licensee is named after the license), so that each test quota is counted apart. */
    String license(String jti, Quota q) {
        LicenseClaims c = h.claims(jti, EnumSet.of(Usage.AI_TRAIN), List.of(), q, Optional.empty(), Instant.now().plusSeconds(600));
        return h.license(new LicenseClaims(c.issuer(), "lab-" + jti, c.audience(), c.id(), c.issuedAt(), c.notBefore(), c.expiresAt(), c.confirmation(),
                c.usages(), c.paths(), c.quota(), c.agreement(), c.status()));
    }

    /** Ready, and not warning about the quota store (a disk warning of the machine the test runs on may follow). */
    static boolean sharing(String readyz) {
        return readyz.startsWith("200 ready") && !readyz.contains("quota store");
    }

    static Quota perDay(long n) {
        return new Quota(OptionalDouble.empty(), OptionalLong.of(n), OptionalLong.empty());
    }

    @Test
    void theInstancesOfASiteShareOneQuota_perDayAndPerSecond() throws Exception {
        Proxy b = twoInstances("deny");
        String lic = license("shared", perDay(4));
        assertThat(h.licensedGet("/articles/1.html", lic).statusCode()).isEqualTo(200);
        assertThat(h.licensedGetAt(b.port(), "/articles/2.html", lic).statusCode()).isEqualTo(200);
        assertThat(h.licensedGet("/articles/3.html", lic).statusCode()).isEqualTo(200);
        assertThat(h.licensedGetAt(b.port(), "/articles/4.html", lic).statusCode()).isEqualTo(200);
        EnforcementTest.assertDenied(h.licensedGet("/articles/5.html", lic), 429, "QUOTA_EXCEEDED");
        HttpResponse<byte[]> r = h.licensedGetAt(b.port(), "/articles/6.html", lic);
        EnforcementTest.assertDenied(r, 429, "QUOTA_EXCEEDED");
        assertThat(r.headers().firstValue("Retry-After").map(Long::parseLong).orElse(0L)).as("until the UTC day ends").isPositive();

        String slow = license("rate", new Quota(OptionalDouble.of(1), OptionalLong.empty(), OptionalLong.empty()));
        assertThat(h.licensedGet("/articles/7.html", slow).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> tooSoon = h.licensedGetAt(b.port(), "/articles/8.html", slow);
        EnforcementTest.assertDenied(tooSoon, 429, "QUOTA_EXCEEDED");
        assertThat(tooSoon.headers().firstValue("Retry-After")).hasValue("1");
        Eventually.until(Duration.ofSeconds(5), "a token after a second", () -> h.licensedGetAt(b.port(), "/articles/9.html", slow).statusCode() == 200);
    }

    /** Licensed requests sent without pause to both instances by two threads until stopped, their answers counted by status. */
    final class Load {
        final Map<Integer, AtomicInteger> answers = new ConcurrentHashMap<>();
        final AtomicInteger sent = new AtomicInteger();
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<Thread> threads = new ArrayList<>();

        Load(String token, int... ports) {
            for (int port : ports) {
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        sent.incrementAndGet();
                        try {
                            int st = h.licensedGetAt(port, "/articles/load.html", token).statusCode();
                            answers.computeIfAbsent(st, k -> new AtomicInteger()).incrementAndGet();
                        } catch (Exception e) {
                            answers.computeIfAbsent(-1, k -> new AtomicInteger()).incrementAndGet();
                        }
                    }
                });
                t.start();
                threads.add(t);
            }
        }

        int total() {
            return answers.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        void close() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(15_000);
            }
        }
    }

    @Test
    void redisDownUnderLoad_localLimits_keepsServing_saysSo_andSharesAgainWhenItReturns() throws Exception {
        Proxy b = twoInstances("local_limits");
        String lic = license("load", perDay(1_000_000_000L));
        Load load = new Load(lic, h.proxy.port(), b.port());
        Eventually.until(Duration.ofSeconds(10), "load flowing", () -> load.total() > 50);
        redis.down();
        Eventually.until(Duration.ofSeconds(10), "/readyz says the store is down", () -> h.admin(b, "/readyz").contains("unreachable"));
        assertThat(h.admin(b, "/readyz")).startsWith("200 ready, but quota store " + redis.url() + " unreachable")
                .contains("on_store_unavailable: local_limits");
        assertThat(h.admin(b, "/metrics")).contains("cb4i_proxy_quota_store_up 0.0");
        int before = load.total();
        Eventually.until(Duration.ofSeconds(10), "requests served while Redis is down", () -> load.total() > before + 50);
        redis.up();
        Eventually.until(Duration.ofSeconds(10), "both instances back on Redis",
                () -> sharing(h.admin(b, "/readyz")) && sharing(h.admin(h.proxy, "/readyz")));
        assertThat(h.admin(h.proxy, "/metrics")).contains("cb4i_proxy_quota_store_up 1.0");
        load.close();
        assertThat(load.answers.keySet()).as("every request answered 200: %s", load.answers).containsExactly(200);
        assertThat(load.total()).as("no request lost").isEqualTo(load.sent.get());
        assertThat(h.events).anyMatch(e -> e.contains("quota store: " + redis.url() + " unreachable"))
                .anyMatch(e -> e.contains("reachable again"));
        // Shared again: a fresh quota of 2 is used up across both instances.
        String two = license("after", perDay(2));
        assertThat(h.licensedGet("/articles/a.html", two).statusCode()).isEqualTo(200);
        assertThat(h.licensedGetAt(b.port(), "/articles/b.html", two).statusCode()).isEqualTo(200);
        EnforcementTest.assertDenied(h.licensedGet("/articles/c.html", two), 429, "QUOTA_EXCEEDED");
    }

    @Test
    void redisDown_deny_refusesLicensedRequestsWithAQuota_with503_andRecovers() throws Exception {
        Proxy b = twoInstances("deny");
        String lic = license("deny", perDay(100));
        String unlimited = license("free", Quota.NONE);
        assertThat(h.licensedGetAt(b.port(), "/articles/1.html", lic).statusCode()).isEqualTo(200);
        redis.down();
        HttpResponse<byte[]> r = h.licensedGetAt(b.port(), "/articles/2.html", lic);
        EnforcementTest.assertDenied(r, 503, "QUOTA_UNAVAILABLE");
        assertThat(EnforcementTest.problem(r).get("detail").textValue()).contains(redis.url()).contains("on_store_unavailable: deny");
        assertThat(h.licensedGetAt(b.port(), "/articles/3.html", unlimited).statusCode()).as("no quota, no store needed").isEqualTo(200);
        assertThat(h.admin(b, "/readyz")).startsWith("503 quota store " + redis.url() + " unreachable");
        redis.up();
        Eventually.until(Duration.ofSeconds(10), "served again", () -> h.licensedGetAt(b.port(), "/articles/4.html", lic).statusCode() == 200);
        assertThat(sharing(h.admin(b, "/readyz"))).isTrue();
        assertThat(h.admin(b, "/metrics")).containsPattern("cb4i_proxy_quota_decided_without_store [1-9]");
    }

    @Test
    void redisFlushedMidDay_startsTheDayAgain_andItsScriptsAreSentAgain() throws Exception {
        Proxy b = twoInstances("deny");
        String lic = license("flush", perDay(2));
        assertThat(h.licensedGet("/articles/1.html", lic).statusCode()).isEqualTo(200);
        assertThat(h.licensedGetAt(b.port(), "/articles/2.html", lic).statusCode()).isEqualTo(200);
        EnforcementTest.assertDenied(h.licensedGet("/articles/3.html", lic), 429, "QUOTA_EXCEEDED");
        assertThat(redis.command("FLUSHALL")).isEqualTo("+OK");
        assertThat(redis.command("SCRIPT", "FLUSH")).isEqualTo("+OK");
        assertThat(h.licensedGetAt(b.port(), "/articles/4.html", lic).statusCode()).as("the day's count lost with the data").isEqualTo(200);
        assertThat(h.licensedGet("/articles/5.html", lic).statusCode()).isEqualTo(200);
        EnforcementTest.assertDenied(h.licensedGetAt(b.port(), "/articles/6.html", lic), 429, "QUOTA_EXCEEDED");
    }

    @Test
    void aStalledRedis_isWaitedForNoLongerThanTheTimeout() throws Exception {
        Proxy b = twoInstances("local_limits");
        String lic = license("stall", perDay(1000));
        assertThat(h.licensedGetAt(b.port(), "/articles/1.html", lic).statusCode()).isEqualTo(200);
        Thread sleeper = new Thread(() -> {
            try {
                redis.command("DEBUG", "SLEEP", "3");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        sleeper.start();
        Thread.sleep(200); // lets the DEBUG SLEEP reach Redis first; the timing measured below is the proxy's
        long t0 = System.nanoTime();
        assertThat(h.licensedGetAt(b.port(), "/articles/2.html", lic).statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("waited for the 250 ms timeout, not the 3 s stall").isLessThan(Duration.ofMillis(1500));
        assertThat(h.admin(b, "/readyz")).contains("unreachable");
        sleeper.join();
        Eventually.until(Duration.ofSeconds(10), "back on Redis", () -> {
            h.licensedGetAt(b.port(), "/articles/3.html", lic);
            return sharing(h.admin(b, "/readyz"));
        });
    }
}
