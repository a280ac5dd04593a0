/**
 * JMH benchmarks of the task scaler end to end on the simulated cloud, with its real scheduler: how
 * long demand takes to reach the cloud as an {@code increase} call. {@link
 * io.fleetscaler.benchmarks.scaler.RecordingInstanceGroup} is the recording fake the measurements
 * observe the cloud through.
 */
@NullMarked
package io.fleetscaler.benchmarks.scaler;

import org.jspecify.annotations.NullMarked;
