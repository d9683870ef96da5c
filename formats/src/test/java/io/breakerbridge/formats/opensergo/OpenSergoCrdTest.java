package io.breakerbridge.formats.opensergo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.breakerbridge.model.BreakerSpec;
import io.breakerbridge.model.FallbackMode;
import io.breakerbridge.model.FallbackSpec;
import io.breakerbridge.model.Origin;
import io.breakerbridge.model.RateLimitSpec;
import io.breakerbridge.model.SnapshotKey;
import io.breakerbridge.model.ThresholdSnapshot;
import io.breakerbridge.model.ThresholdSpec;
import io.breakerbridge.testing.RandomSpecs;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every document an export writes is one Kubernetes accepts under the published OpenSergo CRDs (copied under
 * {@code src/test/resources/opensergo-crds}, see its SOURCE.md): its kind has a CRD, and its spec validates against
 * the CRD's {@code openAPIV3Schema} with nothing Kubernetes would prune.
 */
class OpenSergoCrdTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final List<String> CRDS = List.of("circuitbreakerstrategies", "concurrencylimitstrategies",
                                                     "faulttolerancerules", "ratelimitstrategies",
                                                     "throttlingstrategies");

    private static Map<String, JsonNode> schemas() throws IOException {
        final Map<String, JsonNode> out = new HashMap<>();
        for (String name : CRDS) {
            try (InputStream in = OpenSergoCrdTest.class.getResourceAsStream(
                    "/opensergo-crds/fault-tolerance.opensergo.io_" + name + ".yaml")) {
                final JsonNode crd = YAML.readTree(in);
                out.put(crd.path("spec").path("names").path("kind").asText(),
                        crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema"));
            }
        }
        return out;
    }

    /** What the schema finds wrong with {@code value} at {@code path} (the subset of OpenAPI v3 the CRDs use). */
    private static void validate(JsonNode value, JsonNode schema, String path, List<String> errors) {
        switch (schema.path("type").asText()) {
            case "object" -> {
                if (!value.isObject()) {
                    errors.add(path + ": not an object");
                    return;
                }
                schema.path("required").forEach(r -> {
                    if (!value.has(r.asText())) {
                        errors.add(path + "." + r.asText() + ": required");
                    }
                });
                final JsonNode properties = schema.path("properties");
                if (properties.isMissingNode()) {
                    return; // metadata, status: free
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    final Map.Entry<String, JsonNode> field = it.next();
                    if (!properties.has(field.getKey())) {
                        errors.add(path + "." + field.getKey() + ": not in the schema (Kubernetes prunes it)");
                    } else {
                        validate(field.getValue(), properties.get(field.getKey()), path + "." + field.getKey(),
                                 errors);
                    }
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    errors.add(path + ": not an array");
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    validate(value.get(i), schema.path("items"), path + "[" + i + "]", errors);
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    errors.add(path + ": " + value + " is not a string");
                    return;
                }
                final String text = value.asText();
                if (schema.has("enum") && !schema.get("enum").toString().contains("\"" + text + "\"")) {
                    errors.add(path + ": " + text + " not in " + schema.get("enum"));
                }
                if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(text).find()) {
                    errors.add(path + ": " + text + " does not match " + schema.get("pattern").asText());
                }
                if (text.length() < schema.path("minLength").asInt(0)
                    || text.length() > schema.path("maxLength").asInt(Integer.MAX_VALUE)) {
                    errors.add(path + ": length " + text.length() + " out of bounds");
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    errors.add(path + ": " + value + " is not an integer");
                    return;
                }
                if (schema.has("minimum") && value.asLong() < schema.get("minimum").asLong()) {
                    errors.add(path + ": " + value + " below " + schema.get("minimum"));
                }
                if ("int32".equals(schema.path("format").asText()) && !value.canConvertToInt()) {
                    errors.add(path + ": " + value + " is not an int32");
                }
            }
            default -> errors.add(path + ": no type in the schema");
        }
    }

    private static List<String> errorsOf(String yaml, Map<String, JsonNode> schemas) throws IOException {
        final List<String> errors = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNext()) {
                final JsonNode document = documents.next();
                final String kind = document.path("kind").asText();
                final JsonNode schema = schemas.get(kind);
                if (schema == null) {
                    errors.add(kind + ": no published CRD");
                } else {
                    validate(document, schema, kind + "/" + document.path("metadata").path("name").asText(), errors);
                }
            }
        }
        return errors;
    }

    private static ThresholdSnapshot snapshot(String resource, ThresholdSpec spec) {
        return new ThresholdSnapshot(new SnapshotKey("shop", resource), 1, spec, Instant.EPOCH, "test", Origin.API);
    }

    @Test
    void everyKindOfRuleExportsToDocumentsTheCrdsAccept() throws IOException {
        final List<ThresholdSnapshot> all = List.of(
                snapshot("GET:/limit", new ThresholdSpec(List.of(RateLimitSpec.reject(10)), List.of(),
                                                         FallbackSpec.FAIL_FAST)),
                snapshot("GET:/queue", new ThresholdSpec(List.of(RateLimitSpec.queue(20, 500)), List.of(),
                                                         FallbackSpec.FAIL_FAST)),
                snapshot("GET:/errors", new ThresholdSpec(List.of(), List.of(BreakerSpec.errorRatio(0.5, 5, 1000,
                                                          5000)), FallbackSpec.of(FallbackMode.EMPTY_OK))),
                snapshot("GET:/slow", new ThresholdSpec(List.of(RateLimitSpec.reject(3)), List.of(
                        BreakerSpec.slowRatio(0.25, 200, 10, 2000, 3000)), FallbackSpec.FAIL_FAST)));

        final String yaml = OpenSergoYaml.write(all).value();

        assertThat(errorsOf(yaml, schemas())).as(yaml).isEmpty();
        assertThat(OpenSergoYaml.read(yaml, null).value().get(new SnapshotKey("shop", "GET:/slow")).breakers())
                .as("bound back by its annotation").hasSize(1);
    }

    @Test
    void randomRulesExportToDocumentsTheCrdsAccept() throws IOException {
        final Map<String, JsonNode> schemas = schemas();
        final RandomSpecs random = new RandomSpecs(20261208L);
        for (int i = 0; i < 300; i++) {
            final String yaml = OpenSergoYaml.write(List.of(snapshot("r" + i, random.anySpec()))).value();
            assertThat(errorsOf(yaml, schemas)).as(yaml).isEmpty();
        }
    }
}
