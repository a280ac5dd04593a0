package io.fleetscaler.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import org.junit.jupiter.api.Test;

class SeparateLibPluginTest {

  @Test
  void aProviderWhoseJarsAreMissingSaysWhereTheyShouldBe() {
    SeparateLibPlugin missing =
        new SeparateLibPlugin(
            "nosuch", "io.fleetscaler.nosuch.Group", "io.fleetscaler.nosuch.Main");
    assertThatThrownBy(missing::jars)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the nosuch provider is not installed")
        .hasMessageContaining("lib/nosuch");
  }

  @Test
  void theGoogleProviderIsNotOnTheDaemonsClassPath() {
    // The daemon must stay lean: the Google SDK is loaded from lib/gcp only when a group uses it.
    assertThat(
            getClass().getClassLoader().getResource("com/google/cloud/compute/v1/Instance.class"))
        .isNull();
    assertThat(SeparateLibPlugin.GCP.libDir()).isEqualTo("gcp");
  }

  @Test
  void thePluginLoaderSharesTheSpiButLoadsItsOwnClassesFirst() throws Exception {
    try (var loader =
        new SeparateLibPlugin.PluginClassLoader("t", new URL[0], getClass().getClassLoader())) {
      assertThat(loader.loadClass("io.fleetscaler.plugin.api.InstanceGroup"))
          .isSameAs(io.fleetscaler.plugin.api.InstanceGroup.class);
      assertThat(loader.loadClass("io.fleetscaler.daemon.Main")).isSameAs(Main.class);
    }
  }
}
