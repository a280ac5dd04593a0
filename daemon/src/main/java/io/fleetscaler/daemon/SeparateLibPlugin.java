package io.fleetscaler.daemon;

import io.fleetscaler.plugin.api.InstanceGroup;
import io.fleetscaler.plugin.sdk.PluginLaunchSpec;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A built-in provider whose jars are kept off the daemon's class path, in their own directory
 * {@code <fleetscaler.home>/lib/<libDir>/}, so that its cloud SDK (tens of megabytes) is loaded
 * only when a group uses it: as a child JVM whose class path puts that directory before the
 * daemon's jar, or in process through a {@link PluginClassLoader}. When the provider's classes are
 * already on the daemon's class path (a build from the source tree, tests), they are used from
 * there.
 *
 * @param libDir the directory name under {@code lib/}
 * @param groupClass the provider's {@link InstanceGroup} implementation, with a public no-argument
 *     constructor
 * @param mainClass its plugin executable's main class
 */
record SeparateLibPlugin(String libDir, String groupClass, String mainClass) {

  /** Google Cloud managed instance groups; GitLab's names googlecloud and googlecompute too. */
  static final SeparateLibPlugin GCP =
      new SeparateLibPlugin(
          "gcp",
          "io.fleetscaler.plugin.gcp.GcpInstanceGroup",
          "io.fleetscaler.plugin.gcp.GcpPluginMain");

  private static final ConcurrentHashMap<String, ClassLoader> LOADERS = new ConcurrentHashMap<>();

  /** A plugin process: this JVM's executable, with the provider's jars first on the class path. */
  PluginLaunchSpec launchSpec(String name, List<String> jvmFlags) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElseThrow(() -> new IllegalStateException("cannot find this JVM's executable"));
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmFlags);
    command.add("-cp");
    List<String> entries = new ArrayList<>();
    jars().forEach(p -> entries.add(p.toString()));
    entries.add(System.getProperty("java.class.path"));
    command.add(String.join(File.pathSeparator, entries));
    command.add(mainClass);
    return PluginLaunchSpec.of(name, command);
  }

  /** A new, un-initialised group of the provider, loaded in this JVM. */
  InstanceGroup newGroup() {
    ClassLoader loader = LOADERS.computeIfAbsent(libDir, d -> loader());
    try {
      Class<?> type = Class.forName(groupClass, true, loader);
      return (InstanceGroup) type.getConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException("cannot load the " + libDir + " provider: " + e, e);
    }
  }

  private ClassLoader loader() {
    List<Path> jars = jars();
    ClassLoader parent = SeparateLibPlugin.class.getClassLoader();
    if (jars.isEmpty()) {
      return parent;
    }
    List<URL> urls = new ArrayList<>();
    for (Path jar : jars) {
      try {
        urls.add(jar.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new IllegalStateException("bad jar path " + jar, e);
      }
    }
    return new PluginClassLoader(libDir, urls.toArray(URL[]::new), parent);
  }

  /**
   * The provider's jars, or none when its classes are on the daemon's class path.
   *
   * @throws IllegalStateException if they are in neither place
   */
  List<Path> jars() {
    ClassLoader own = SeparateLibPlugin.class.getClassLoader();
    if (own != null && own.getResource(groupClass.replace('.', '/') + ".class") != null) {
      return List.of();
    }
    @Nullable String home = System.getProperty("fleetscaler.home");
    Path dir = home == null ? null : Path.of(home, "lib", libDir);
    if (dir == null || !Files.isDirectory(dir)) {
      throw new IllegalStateException(
          "the "
              + libDir
              + " provider is not installed: no directory "
              + (dir == null ? "lib/" + libDir + " (fleetscaler.home is not set)" : dir)
              + "; it ships in the binary distribution's lib/"
              + libDir);
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> jars =
          files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
      if (jars.isEmpty()) {
        throw new IllegalStateException(
            "the " + libDir + " provider is not installed: " + dir + " has no jars");
      }
      return jars;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /**
   * Child-first over the provider's jars, so its own library versions (Guava, the Google HTTP
   * client) win over any the daemon carries; the plugin SPI and everything the provider does not
   * ship (gRPC, Protobuf, the plugin SDK) come from the daemon, so {@link InstanceGroup} is one
   * type on both sides.
   */
  static final class PluginClassLoader extends URLClassLoader {
    static {
      registerAsParallelCapable();
    }

    PluginClassLoader(String name, URL[] urls, ClassLoader parent) {
      super("fleetscaler-plugin-" + name, urls, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith("java.") || name.startsWith("io.fleetscaler.plugin.api.")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          try {
            c = findClass(name);
          } catch (ClassNotFoundException e) {
            return super.loadClass(name, resolve);
          }
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }
}
