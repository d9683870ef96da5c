package io.breakerbridge.nacos;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.breakerbridge.model.json.StrictJson;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * {@link ConfigHistory} through Nacos's Open API ({@code /nacos/v1/cs/history}), with the nacos-client properties
 * the store uses: the first of {@code serverAddr}, {@code namespace} as tenant, and {@code username}/{@code
 * password} for an access token (logged in again before it expires).
 */
public final class OpenApiHistory implements ConfigHistory {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final URI base;
    private final String group;
    private final String tenant;
    private final @Nullable String username;
    private final @Nullable String password;
    private final Clock clock;
    private @Nullable String token;
    private long tokenValidUntil;

    private OpenApiHistory(URI base, String group, String tenant, @Nullable String username,
                           @Nullable String password, Clock clock) {
        this.base = base;
        this.group = group;
        this.tenant = tenant;
        this.username = username;
        this.password = password;
        this.clock = clock;
    }

    /** The history of {@code group}'s configs on the Nacos that {@code properties} (nacos-client's) name. */
    public static OpenApiHistory of(Properties properties, String group, Clock clock) {
        final String servers = requireNonNull(properties.getProperty("serverAddr"), "serverAddr");
        String first = servers.split(",", -1)[0].strip();
        if (!first.startsWith("http://") && !first.startsWith("https://")) {
            first = "http://" + first;
        }
        if (first.endsWith("/")) {
            first = first.substring(0, first.length() - 1);
        }
        final String context = properties.getProperty("contextPath", "nacos").replaceAll("^/+|/+$", "");
        return new OpenApiHistory(URI.create(first + "/" + context + "/"), requireNonNull(group, "group"),
                                  properties.getProperty("namespace", ""), properties.getProperty("username"),
                                  properties.getProperty("password"), requireNonNull(clock, "clock"));
    }

    @Override
    public Page page(String dataId, int pageNo, int pageSize) throws IOException {
        final JsonNode page = get("v1/cs/history?search=accurate&dataId=" + encode(dataId) + "&group="
                                  + encode(group) + "&tenant=" + encode(tenant) + "&pageNo=" + pageNo
                                  + "&pageSize=" + pageSize);
        if (page == null) {
            throw new IOException("history of " + dataId + ": no such config (expected: a page of rows)");
        }
        final List<Long> ids = new ArrayList<>();
        for (JsonNode item : page.path("pageItems")) {
            ids.add(Long.parseLong(item.path("id").asText()));
        }
        return new Page(page.path("totalCount").asInt(), ids);
    }

    @Override
    public @Nullable String content(String dataId, long id) throws IOException {
        final JsonNode row = get("v1/cs/history?nid=" + id + "&dataId=" + encode(dataId) + "&group="
                                 + encode(group) + "&tenant=" + encode(tenant));
        return row == null || !row.hasNonNull("content") ? null : row.get("content").asText();
    }

    /** GET with the access token; null on 404; an exception naming the status otherwise. */
    private @Nullable JsonNode get(String path) throws IOException {
        final String access = token();
        final String uri = base + path + (access == null ? "" : "&accessToken=" + encode(access));
        final HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(uri)).timeout(TIMEOUT).GET()
                                                              .build());
        if (response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw new IOException("Nacos history: HTTP " + response.statusCode() + " for " + base + path.split("\\?")[0]
                                  + " (expected: 200; is history readable with these credentials?)");
        }
        return StrictJson.parseTree(response.body().getBytes(StandardCharsets.UTF_8));
    }

    private synchronized @Nullable String token() throws IOException {
        if (username == null || password == null) {
            return null;
        }
        if (token != null && clock.millis() < tokenValidUntil) {
            return token;
        }
        final HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("v1/auth/login"))
                .timeout(TIMEOUT).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + encode(username) + "&password="
                                                          + encode(password))).build());
        if (response.statusCode() != 200) {
            throw new IOException("Nacos login for the history: HTTP " + response.statusCode()
                                  + " (expected: 200 with the store's credentials)");
        }
        final JsonNode login = StrictJson.parseTree(response.body().getBytes(StandardCharsets.UTF_8));
        token = login.path("accessToken").asText();
        tokenValidUntil = clock.millis() + Math.max(0, login.path("tokenTtl").asLong(18_000) - 60) * 1000;
        return token;
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
