package io.breakerbridge.propagation;

import com.fasterxml.jackson.databind.JsonNode;
import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.model.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The mass-deletion guard: a Sentinel change that removes every rule of an app, or more than a share of its
 * resources at once, is what the dashboard publishes after it forgot an app's rules (it clears the rules of every
 * app whenever one is listed), not what a person meant; it is held for a person, whatever the conflict policy.
 */
final class MassDeletion {
    /** The share of an app's resources one change may remove before it is held, by default. */
    static final double DEFAULT_SHARE = 0.5;

    private MassDeletion() {}

    /** Checks {@code share}: more than 0 and at most 1. */
    static double checkShare(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new InvalidValueException("massDeletionShare", share, "a share above 0 and at most 1");
        }
        return share;
    }

    /**
     * Why going from the agreed documents {@code base} to {@code incoming} (both by dataId) must be held, or null
     * when it may go through: it removes every resource the base had, or more than {@code share} of them.
     * Documents that cannot be read count as holding no resource here (the import refuses them anyway).
     */
    static @Nullable String check(String app, Map<String, String> base, Map<String, String> incoming, double share) {
        final TreeSet<String> had = resources(base.values());
        if (had.isEmpty()) {
            return null;
        }
        final TreeSet<String> kept = resources(incoming.values());
        final TreeSet<String> removed = new TreeSet<>(had);
        removed.removeAll(kept);
        if (removed.isEmpty() || !kept.isEmpty() && removed.size() <= share * had.size()) {
            return null;
        }
        return "mass deletion: Sentinel's rules of " + app + " would remove " + removed.size() + " of the "
               + had.size() + " resources (" + first(removed) + ")" + (kept.isEmpty()
               ? ", every rule of the app" : removed.size() == had.size() ? ", all it had"
               : ", more than " + Math.round(share * 100) + " % of them")
               + " (the dashboard publishes this after forgetting an app's rules); held for a person: resolve for "
               + "Sentinel to delete them, for the neutral rules to put them back";
    }

    private static TreeSet<String> resources(Collection<String> documents) {
        final TreeSet<String> out = new TreeSet<>();
        for (String document : documents) {
            if (document == null || document.isBlank()) {
                continue;
            }
            try {
                for (JsonNode rule : StrictJson.parseTree(document.getBytes(StandardCharsets.UTF_8))) {
                    final JsonNode resource = rule.get("resource");
                    if (resource != null && resource.isTextual()) {
                        out.add(resource.asText());
                    }
                }
            } catch (InvalidValueException e) {
                // unreadable: counts as no resource
            }
        }
        return out;
    }

    private static String first(TreeSet<String> names) {
        final String shown = String.join(", ", names.stream().limit(5).toList());
        return names.size() > 5 ? shown + ", ..." : shown;
    }
}
