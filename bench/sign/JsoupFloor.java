// The floor for a jsoup-based signer: parse every page of a tree once, on all cores, and do nothing else.
//   java -cp cli/target/cb4i.jar bench/sign/JsoupFloor.java DIR
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jsoup.Jsoup;

public class JsoupFloor {
    public static void main(String[] a) throws Exception {
        List<Path> pages;
        try (Stream<Path> s = Files.walk(Path.of(a[0]))) {
            pages = s.filter(p -> p.toString().endsWith(".html")).toList();
        }
        for (int warm = 0; warm < 2; warm++) {
            long t0 = System.nanoTime();
            long n = pages.parallelStream().mapToLong(p -> {
                try {
                    return Jsoup.parse(Files.readString(p)).body().childNodeSize();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }).sum();
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%s %.0f%n", warm == 0 ? "cold" : "warm", pages.size() / s);
            if (n < 0) {
                System.out.println(n);
            }
        }
    }
}
