package io.breakerbridge.sentinel.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.breakerbridge.model.InvalidValueException;
import io.breakerbridge.nacos.NacosLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The extension's settings: what each source needs, and a clear error naming any bad setting. */
class ExtensionSettingsTest {
    @TempDir
    Path dir;

    private static ExtensionSettings read(Map<String, String> values) {
        return ExtensionSettings.read(values::get);
    }

    @Test
    void nacosSettingsBecomeClientProperties() {
        final ExtensionSettings settings = read(Map.of(ExtensionSettings.SERVICE, "shop",
                                                       ExtensionSettings.NACOS_ADDR, "10.0.0.1:8848",
                                                       ExtensionSettings.NACOS_NAMESPACE, "prod",
                                                       ExtensionSettings.INSTANCE_SALT, "-42"));

        assertThat(settings.service()).isEqualTo("shop");
        assertThat(settings.nacos()).containsEntry("serverAddr", "10.0.0.1:8848").containsEntry("namespace", "prod");
        assertThat(settings.nacosGroup()).isEqualTo(NacosLayout.GROUP); // the constant the extension copies;
        assertThat(settings.daemon()).isNull();
        assertThat(settings.instanceSalt()).isEqualTo(-42L);
    }

    @Test
    void aDaemonNeedsAReadableTokenFile() throws Exception {
        final Path token = Files.writeString(dir.resolve("token"), "  secret-token \n");
        final ExtensionSettings settings = read(Map.of(ExtensionSettings.SERVICE, "shop",
                                                       ExtensionSettings.DAEMON_URL, "http://127.0.0.1:7070",
                                                       ExtensionSettings.DAEMON_TOKEN_FILE, token.toString()));
        assertThat(settings.daemonToken()).isEqualTo("secret-token");
        assertThat(settings.nacos()).isNull();

        assertThatThrownBy(() -> read(Map.of(ExtensionSettings.SERVICE, "shop",
                                             ExtensionSettings.DAEMON_URL, "http://127.0.0.1:7070")))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining(ExtensionSettings.DAEMON_TOKEN_FILE);
        assertThatThrownBy(() -> read(Map.of(ExtensionSettings.SERVICE, "shop",
                                             ExtensionSettings.DAEMON_URL, "http://127.0.0.1:7070",
                                             ExtensionSettings.DAEMON_TOKEN_FILE, dir.resolve("none").toString())))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("readable file");
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> read(Map.of(ExtensionSettings.SERVICE, "shop",
                                             ExtensionSettings.DAEMON_URL, "ftp://x")))
                .hasMessageContaining(ExtensionSettings.DAEMON_URL).hasMessageContaining("ftp://x")
                .hasMessageContaining("http(s) URL");
        assertThatThrownBy(() -> read(Map.of(ExtensionSettings.SERVICE, "shop",
                                             ExtensionSettings.INSTANCE_SALT, "seven")))
                .hasMessageContaining(ExtensionSettings.INSTANCE_SALT).hasMessageContaining("64-bit integer");
        assertThatThrownBy(() -> read(Map.of(ExtensionSettings.SERVICE, "no spaces allowed")))
                .hasMessageContaining(ExtensionSettings.SERVICE);
        assertThatThrownBy(() -> read(Map.of(ExtensionSettings.SERVICE, "shop",
                                             ExtensionSettings.NACOS_ADDR, "10.0.0.1:8848",
                                             ExtensionSettings.DAEMON_URL, "http://127.0.0.1:7070")))
                .hasMessageContaining("one source");
    }
}
