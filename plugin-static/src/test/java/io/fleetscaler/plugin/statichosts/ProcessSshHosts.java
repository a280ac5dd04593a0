package io.fleetscaler.plugin.statichosts;

import io.fleetscaler.core.connector.SshdProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Hosts as plain {@code /usr/sbin/sshd} processes on 127.0.0.1, one port each, each with its own
 * generated host key and configuration under the test's work directory: core's {@link SshdProcess}
 * fixture, one per host. The fallback where no container engine runs.
 */
final class ProcessSshHosts implements SshHosts {
  private final List<SshdProcess> processes;
  private final List<Host> hosts;
  private final Path key;

  private ProcessSshHosts(List<SshdProcess> processes, Path key) {
    this.processes = List.copyOf(processes);
    List<Host> named = new ArrayList<>();
    for (int i = 0; i < processes.size(); i++) {
      SshdProcess p = processes.get(i);
      named.add(new Host("sshd-" + i, p.address(), p.port()));
    }
    this.hosts = List.copyOf(named);
    this.key = key;
  }

  static ProcessSshHosts start(int count, Path key, Path workDir) {
    List<SshdProcess> started = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        started.add(SshdProcess.start(workDir.resolve("sshd-" + i), Path.of(key + ".pub")));
      }
    } catch (RuntimeException e) {
      started.forEach(SshdProcess::close);
      throw e;
    }
    return new ProcessSshHosts(started, key);
  }

  @Override
  public String kind() {
    return "sshd processes";
  }

  @Override
  public List<Host> hosts() {
    return hosts;
  }

  @Override
  public String username() {
    return SshdProcess.username();
  }

  @Override
  public Path privateKey() {
    return key;
  }

  @Override
  public void kill(int index) {
    processes.get(index).kill();
  }

  @Override
  public void revive(int index) {
    processes.get(index).revive();
  }

  @Override
  public void close() {
    processes.forEach(SshdProcess::close);
  }
}
