package io.breakerbridge.testing;

import static java.util.Objects.requireNonNull;

import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.exception.NacosException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakerbridge.model.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Sentinel dashboard 1.8.9 with flow rules in Nacos as Sentinel's wiki tells users to wire it
 * ({@code FlowControllerV2} with the Nacos provider and publisher of the dashboard's tests), as far as
 * propagation can tell it apart: listing an app reads {@code {app}-flow-rules} and replaces the in-memory rules of
 * <em>every</em> app with what was read (the repository's {@code saveAll} clears all apps first), giving an id from
 * one counter to each rule read without one; every add, edit and delete publishes the app's whole in-memory list
 * with a plain {@code publishConfig} (no compare-and-swap); an edit of an id it does not hold fails with
 * {@code id N does not exist}; a delete of one succeeds and deletes nothing. A page is a {@link #list} held in the
 * double's memory, so a page opened before a change elsewhere saves what it read then.
 */
public final class DashboardDouble {
    /** The group of the dashboard's dataIds. */
    public static final String GROUP = "SENTINEL_GROUP";

    private final ConfigService nacos;
    /** Every app's rules by id, as the dashboard's in-memory repository holds them. */
    private final Map<Long, ObjectNode> rules = new LinkedHashMap<>();
    private long nextId;

    /** A dashboard publishing through {@code nacos}. */
    public DashboardDouble(ConfigService nacos) {
        this.nacos = requireNonNull(nacos, "nacos");
    }

    /** The flow rules dataId of {@code app}. */
    public static String flowRules(String app) {
        return app + "-flow-rules";
    }

    /**
     * Opens the flow-rules page of {@code app}: reads its rules from Nacos and keeps them, and only them, in memory
     * (the rules of every other app are forgotten); returns them as the page shows them, with their ids.
     */
    public synchronized List<ObjectNode> list(String app) throws NacosException {
        final String content = nacos.getConfig(flowRules(app), GROUP, 3000);
        rules.clear();
        if (content != null && !content.isBlank()) {
            for (JsonNode rule : StrictJson.parseTree(content.getBytes(StandardCharsets.UTF_8))) {
                final ObjectNode entity = ((ObjectNode) rule).deepCopy();
                entity.put("app", app);
                save(entity);
            }
        }
        return inMemory(app);
    }

    /** Adds a flow rule to {@code app} (the page's "add" dialog) and publishes the app's in-memory list. */
    public synchronized long add(String app, String resource, double count) throws NacosException {
        final ObjectNode entity = JsonNodeFactory.instance.objectNode();
        entity.put("app", app);
        entity.put("resource", resource);
        entity.put("limitApp", "default");
        entity.put("grade", 1);
        entity.put("count", count);
        entity.put("strategy", 0);
        entity.put("controlBehavior", 0);
        entity.put("clusterMode", false);
        final long id = save(entity);
        publish(app);
        return id;
    }

    /** Edits the threshold of rule {@code id} and publishes its app's in-memory list. */
    public synchronized void edit(long id, double count) throws NacosException {
        final ObjectNode entity = rules.get(id);
        if (entity == null) {
            throw new IllegalStateException("id " + id + " does not exist");
        }
        entity.put("count", count);
        publish(entity.get("app").asText());
    }

    /** Deletes rule {@code id} and publishes its app's list; an id it does not hold "succeeds" and does nothing. */
    public synchronized void delete(long id) throws NacosException {
        final ObjectNode entity = rules.remove(id);
        if (entity != null) {
            publish(entity.get("app").asText());
        }
    }

    /** The id of {@code app}'s in-memory rule of {@code resource}, as the page shows it. */
    public synchronized Optional<Long> idOf(String app, String resource) {
        return inMemory(app).stream().filter(r -> resource.equals(r.get("resource").asText()))
                            .map(r -> r.get("id").asLong()).findFirst();
    }

    private long save(ObjectNode entity) {
        if (!entity.hasNonNull("id")) {
            entity.put("id", ++nextId);
        }
        final long id = entity.get("id").asLong();
        nextId = Math.max(nextId, id);
        rules.put(id, entity);
        return id;
    }

    private List<ObjectNode> inMemory(String app) {
        final List<ObjectNode> out = new ArrayList<>();
        rules.values().forEach(rule -> {
            if (app.equals(rule.get("app").asText())) {
                out.add(rule.deepCopy());
            }
        });
        return out;
    }

    private void publish(String app) throws NacosException {
        final ArrayNode array = JsonNodeFactory.instance.arrayNode();
        inMemory(app).forEach(array::add);
        nacos.publishConfig(flowRules(app), GROUP, StrictJson.serialize(array));
    }
}
