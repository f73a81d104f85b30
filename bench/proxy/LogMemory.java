// The receipts log's heap and start time as it grows: appends N entries of about 590 bytes (receipt ids from the log,
// as the proxy takes them), then prints the heap in use after full collections; run it again with N=0 to time a start
// (after this clean stop the index is read; delete DIR/index.clean to time a start after a crash).
//   java -Xmx256m -cp cli/target/cb4i.jar bench/proxy/LogMemory.java DIR N
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.proxy.receipts.ReceiptLog;

public class LogMemory {
    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        long n = Long.parseLong(a[1]);
        var settings = new ProxyConfig.LogSettings(dir, dir.resolve("log-key.jwk"), Duration.ofSeconds(1), 100_000);
        long t0 = System.nanoTime();
        ReceiptLog log = ReceiptLog.open(settings, Clock.systemUTC(), System.out::println);
        System.out.printf("open: %d entries in %.2f s%n", log.size(), (System.nanoTime() - t0) / 1e9);
        String pad = "x".repeat(450);
        CompletableFuture<Long> last = null;
        long t1 = System.nanoTime();
        for (long i = 0; i < n; i++) {
            String rid = log.newRid();
            byte[] e = ("{\"rid\":\"" + rid + "\",\"time\":1763870000,\"licensee\":\"https://ai.example\",\"url\":\"https://news.example/p/"
                    + i + "\",\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8);
            last = log.append(rid, e);
            if (i % 50_000 == 49_999) {
                last.get(); // keep the queue bounded
            }
        }
        if (last != null) {
            last.get();
            System.out.printf("appended %d in %.2f s%n", n, (System.nanoTime() - t1) / 1e9);
        }
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        Runtime r = Runtime.getRuntime();
        System.out.printf("entries %d, heap in use after collection: %.1f MiB%n", log.size(), (r.totalMemory() - r.freeMemory()) / 1048576.0);
        log.close();
    }
}
