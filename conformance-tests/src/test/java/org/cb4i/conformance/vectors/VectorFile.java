package org.cb4i.conformance.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** A vector file of protocol-spec, loaded from the spec's resources jar (classpath {@code org/cb4i/spec/vectors/}). */
record VectorFile(String name, JsonNode root) {
    static final String ROOT = "org/cb4i/spec/vectors/";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static VectorFile load(String name) {
        try (InputStream in = VectorFile.class.getClassLoader().getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("vector file " + name + " is not on the classpath under " + ROOT);
            }
            return new VectorFile(name, MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names listed in {@code vectors/index.json}. */
    static List<String> index() {
        List<String> names = new ArrayList<>();
        load("index.json").root().get("files").forEach(f -> names.add(f.textValue()));
        return names;
    }

    int declaredCount() {
        return root.get("numberOfTests").intValue();
    }

    /** One test with its group, so a runner sees the group's shared settings. */
    record Case(VectorFile file, JsonNode group, JsonNode test) {
        String displayName() {
            return file.name() + "#" + test.get("tcId").intValue() + " " + test.get("comment").textValue();
        }

        boolean expectValid() {
            return "valid".equals(test.get("result").textValue());
        }

        String expectedReason() {
            return test.hasNonNull("expectedReason") ? test.get("expectedReason").textValue() : null;
        }
    }

    List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (JsonNode g : root.get("testGroups")) {
            for (JsonNode t : g.get("tests")) {
                out.add(new Case(this, g, t));
            }
        }
        return out;
    }

    /** A text member of a vector object, when present. */
    static java.util.Optional<String> text(JsonNode o, String name) {
        return o.has(name) ? java.util.Optional.of(o.get(name).textValue()) : java.util.Optional.empty();
    }

    /** The texts of a vector's array. */
    static List<String> strings(JsonNode a) {
        List<String> out = new java.util.ArrayList<>();
        a.forEach(n -> out.add(n.textValue()));
        return out;
    }
}
