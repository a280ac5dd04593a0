/**
 * High availability measured: {@link io.fleetscaler.benchmarks.ha.FailoverBenchmark}, the time from
 * a leader's death to the first acquisition a new leader serves, and what etcd state costs an
 * acquisition against the state file, in the same run.
 */
@NullMarked
package io.fleetscaler.benchmarks.ha;

import org.jspecify.annotations.NullMarked;
