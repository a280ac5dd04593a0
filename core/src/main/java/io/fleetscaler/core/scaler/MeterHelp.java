package io.fleetscaler.core.scaler;

import java.util.Map;

/**
 * The HELP text of every meter of {@link ScalerMetrics}, by its Prometheus name: one table, so that
 * a new meter without a description fails at bind time. Immutable.
 */
final class MeterHelp {
  private MeterHelp() {}

  /**
   * The HELP line of every meter, by its Prometheus name: Prometheus's own lint ({@code promtool
   * check metrics}) rejects metrics without one.
   */
  static final Map<String, String> TEXT =
      Map.ofEntries(
          Map.entry("fleeting_provisioner_instances", "Instances by state"),
          Map.entry("fleeting_provisioner_max_instances", "The most instances the group may have"),
          Map.entry("fleeting_taskscaler_tasks", "Job slots by state"),
          Map.entry(
              "fleeting_taskscaler_max_tasks_per_instance", "Job slots per instance (capacity)"),
          Map.entry(
              "fleeting_taskscaler_max_use_count_per_instance",
              "Jobs an instance serves before it is retired; 0 is unlimited"),
          Map.entry(
              "fleeting_taskscaler_desired_instances", "Instances the last plan wanted to have"),
          Map.entry(
              "fleetscaler_policy_idle_target",
              "idle_count of the policy in force (changes on a SIGHUP reload)"),
          Map.entry(
              "fleeting_provisioner_instance_operations_total",
              "Calls to the plugin's update, increase and decrease"),
          Map.entry(
              "fleeting_taskscaler_task_operations_total",
              "Reserve, unreserve, acquire and release requests"),
          Map.entry(
              "fleeting_taskscaler_scale_operations_total", "Instances asked for (up) or removed"),
          Map.entry(
              "fleetscaler_instance_deletions_total", "Instances the planner deleted, by reason"),
          Map.entry(
              "fleetscaler_did_not_scale_total",
              "Planned creations that were held back, by reason"),
          Map.entry(
              "fleeting_provisioner_missed_updates_total",
              "Plugin updates that failed or timed out"),
          Map.entry(
              "fleetscaler_instances_vanished_total",
              "Instances that disappeared from the cloud unasked"),
          Map.entry(
              "fleetscaler_instance_losses_total",
              "Instances lost with or without jobs on them, by cause"),
          Map.entry(
              "fleetscaler_instance_creations_failed_total",
              "Requested instances the cloud never listed in time"),
          Map.entry("fleetscaler_provider_errors_total", "Errors the plugin reported, by category"),
          Map.entry(
              "fleetscaler_ambiguous_instances_total",
              "Instances an increase with a lost answer may have started: opened, then adopted"
                  + " or expired"),
          Map.entry("fleetscaler_plugin_calls_total", "Calls to the plugin, by method and outcome"),
          Map.entry(
              "fleetscaler_plugin_call_duration_seconds", "How long plugin calls took, by method"),
          Map.entry(
              "fleetscaler_last_successful_update_age_seconds",
              "Seconds since the plugin's update last succeeded"),
          Map.entry(
              "fleeting_provisioner_instance_creation_time_seconds",
              "From asking for an instance to the cloud listing it"),
          Map.entry(
              "fleeting_provisioner_instance_is_running_time_seconds",
              "From asking for an instance to it running"),
          Map.entry(
              "fleeting_provisioner_instance_deletion_time_seconds",
              "From asking to delete an instance to it being gone"),
          Map.entry(
              "fleeting_provisioner_instance_life_duration_seconds",
              "From an instance's creation to its deletion"),
          Map.entry(
              "fleeting_taskscaler_task_instance_readiness_time_seconds",
              "From an instance running to it taking work"));

  /** The HELP text of {@code prometheusName}; a meter without one is a programming error. */
  static String of(String prometheusName) {
    String text = TEXT.get(prometheusName);
    if (text == null) {
      throw new IllegalStateException("no HELP text for metric " + prometheusName);
    }
    return text;
  }
}
