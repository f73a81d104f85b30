package org.cb4i.valuation.ngram;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Seeded synthetic texts: sentences drawn from a domain's vocabulary, so that texts of one domain predict each other. */
public final class Texts {
    public static final String[] COOKING = words("simmer the onions in butter until golden then add garlic thyme and a pinch of salt; "
            + "whisk the eggs with cream pour over the leeks and bake slowly; season the broth with pepper lemon and fresh parsley before serving");
    public static final String[] LAW = words("the tenant shall indemnify the landlord against all claims arising under this agreement; "
            + "notwithstanding any provision herein the parties submit to the exclusive jurisdiction of the courts; liability is limited to direct damages");
    public static final String[] SKY = words("the comet brightened near perihelion while the telescope tracked its tail across the constellation; "
            + "astronomers measured the redshift of distant galaxies and the parallax of nearby stars during the eclipse");

    private Texts() {}

    private static String[] words(String s) {
        return s.split(" ");
    }

    /** About {@code bytes} bytes of sentences from {@code vocabulary}, drawn with {@code seed}. */
    public static byte[] of(String[] vocabulary, long seed, int bytes) {
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder(bytes + 100);
        while (b.length() < bytes) {
            int words = 6 + r.nextInt(10);
            for (int i = 0; i < words; i++) {
                String w = vocabulary[r.nextInt(vocabulary.length)];
                b.append(i == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w).append(i == words - 1 ? ". " : " ");
            }
            if (r.nextInt(5) == 0) {
                b.append('\n');
            }
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code bytes} uniformly random bytes. */
    public static byte[] random(long seed, int bytes) {
        byte[] out = new byte[bytes];
        new Random(seed).nextBytes(out);
        return out;
    }
}
