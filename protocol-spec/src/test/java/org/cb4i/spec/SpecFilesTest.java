package org.cb4i.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The spec module's own build checks: every vector file is indexed and valid against the schema it names,
 * the claims of every valid license vector fit the license-claims schema, and the reason registry is valid.
 */
class SpecFilesTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Path VECTORS = Path.of("vectors");
    static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            b -> b.schemaMappers(m -> m.mapPrefix("https://cb4i.org/schemas/", "classpath:org/cb4i/spec/schemas/")));

    static JsonSchema schema(String name) {
        return FACTORY.getSchema(SchemaLocation.of("https://cb4i.org/schemas/" + name));
    }

    static JsonNode read(Path p) {
        try {
            return MAPPER.readTree(p.toFile());
        } catch (IOException e) {
            throw new AssertionError(p + " is not JSON", e);
        }
    }

    @Test
    void index_listsExactlyTheVectorFiles() throws IOException {
        Set<String> onDisk = new TreeSet<>();
        try (Stream<Path> s = Files.list(VECTORS)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json") && !n.equals("index.json")).forEach(onDisk::add);
        }
        Set<String> indexed = new TreeSet<>();
        read(VECTORS.resolve("index.json")).get("files").forEach(f -> indexed.add(f.textValue()));
        assertThat(indexed).isEqualTo(onDisk).isNotEmpty();
    }

    @TestFactory
    Stream<DynamicTest> everyVectorFile_isValidAgainstItsSchema() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(VECTORS)) {
            files = s.filter(p -> p.toString().endsWith(".json") && !p.endsWith("index.json")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(5);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            JsonNode v = read(f);
            Set<ValidationMessage> errors = schema(v.get("schema").textValue()).validate(v);
            assertThat(errors).as(f + " against " + v.get("schema").textValue()).isEmpty();
            int counted = 0;
            for (JsonNode g : v.get("testGroups")) {
                counted += g.get("tests").size();
            }
            assertThat(counted).as(f + " numberOfTests").isEqualTo(v.get("numberOfTests").intValue());
        }));
    }

    @Test
    void validLicenseVectors_haveClaimsThatFitTheClaimsSchema() {
        JsonNode v = read(VECTORS.resolve("license_token.json"));
        JsonSchema claims = schema("license_claims.schema.json");
        int checked = 0;
        for (JsonNode t : v.get("testGroups").get(0).get("tests")) {
            if (t.get("result").textValue().equals("valid")) {
                String payload = t.get("token").textValue().split("\\.")[1];
                JsonNode c;
                try {
                    c = MAPPER.readTree(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                assertThat(claims.validate(c)).as("tcId " + t.get("tcId")).isEmpty();
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(5);
        JsonNode bad = MAPPER.createObjectNode().put("iss", "x");
        assertThat(claims.validate(bad)).as("the schema rejects an incomplete token").isNotEmpty();
    }

    @Test
    void reasonRegistry_isValid_andCodesAreUnique() {
        JsonNode r = read(Path.of("reasons.json"));
        assertThat(schema("reasons.schema.json").validate(r)).isEmpty();
        Set<String> codes = new TreeSet<>();
        r.get("reasons").forEach(x -> assertThat(codes.add(x.get("code").textValue())).as("unique " + x.get("code")).isTrue());
        assertThat(codes).hasSizeGreaterThan(30);
    }
}
