/**
 * The daemon's TOML configuration: {@link io.fleetscaler.daemon.config.ConfigFile#load} reads one
 * file into a {@link io.fleetscaler.daemon.config.DaemonConfig} (the {@code [daemon]} settings and
 * one {@link io.fleetscaler.daemon.config.GroupConfig} per instance group, with the keys and
 * defaults of gitlab-runner's {@code [runners.autoscaler]}), checking every key and collecting
 * every problem, each with file, line and key path, into one {@link
 * io.fleetscaler.daemon.config.ConfigException}.
 */
@NullMarked
package io.fleetscaler.daemon.config;

import org.jspecify.annotations.NullMarked;
