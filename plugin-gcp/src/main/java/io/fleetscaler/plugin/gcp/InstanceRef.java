package io.fleetscaler.plugin.gcp;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One instance of a managed group, as our instance id {@code <zone>/<name>}: unique in a project
 * (names are unique per zone), readable in logs, and enough to address the VM in both a zonal and a
 * regional group.
 *
 * @param zone e.g. {@code europe-west1-c}
 * @param name e.g. {@code runners-x7k2}
 */
record InstanceRef(String zone, String name) {
  private static final Pattern ID = Pattern.compile("([a-z][-a-z0-9]*)/([a-z][-a-z0-9]{0,62})");
  private static final Pattern URL =
      Pattern.compile("(?:^|/)zones/([a-z][-a-z0-9]*)/instances/([a-z][-a-z0-9]{0,62})$");

  /** Our id, {@code <zone>/<name>}. */
  String id() {
    return zone + "/" + name;
  }

  /** The zone-relative URL Compute's group methods take: {@code zones/<zone>/instances/<name>}. */
  String url() {
    return "zones/" + zone + "/instances/" + name;
  }

  /** Parses our id; empty if it is not one. */
  static Optional<InstanceRef> ofId(String id) {
    Matcher m = ID.matcher(id);
    return m.matches() ? Optional.of(new InstanceRef(m.group(1), m.group(2))) : Optional.empty();
  }

  /** Parses an instance URL as Compute reports it (full or partial); empty if it is not one. */
  static Optional<InstanceRef> ofUrl(String url) {
    Matcher m = URL.matcher(url);
    return m.find() ? Optional.of(new InstanceRef(m.group(1), m.group(2))) : Optional.empty();
  }
}
