package io.fleetscaler.core.connector;

import io.fleetscaler.plugin.api.ConnectInfo;
import io.fleetscaler.plugin.api.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.SecurityUtils;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;
import net.schmizz.sshj.userauth.UserAuthException;
import org.jspecify.annotations.Nullable;

/**
 * The SSH {@link Connector} on sshj: one connection per command, so that a host that stopped
 * answering is noticed by the next command rather than hidden behind a stale session.
 *
 * <p><b>Host keys: trust on first use, per instance.</b> Instances are fresh VMs whose host keys
 * nobody knows in advance and which plugins do not report, so a known-hosts file cannot be kept.
 * The first key an instance presents is accepted and pinned to its id; every later connection to
 * that instance must present the same key or is refused. This stops a different machine answering
 * at the instance's address later in its life (address reuse, a spoofed route), but not an attacker
 * already in the path at first contact; dial internal addresses on a network you trust to narrow
 * that window. The pin is dropped by {@link #forget} when the instance is gone.
 *
 * <p><b>Connect info</b> is cached per instance and asked of the plugin again once its {@code
 * expires} has passed on the injected clock, or once when a login with cached info is refused
 * (credentials rotated early).
 *
 * <p>Thread-safe: the caches are concurrent maps; each call has its own client.
 */
final class SshConnector implements Connector {
  private final ConnectorSettings settings;
  private final Function<String, ConnectInfo> source;
  private final InstantSource clock;
  private final DefaultConfig sshConfig = new DefaultConfig();
  private final Map<String, ConnectInfo> infos = new ConcurrentHashMap<>();
  private final Map<String, String> hostKeys = new ConcurrentHashMap<>();

  SshConnector(
      ConnectorSettings settings, Function<String, ConnectInfo> source, InstantSource clock) {
    this.settings = settings;
    this.source = source;
    this.clock = clock;
    sshConfig.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
  }

  @Override
  public CommandResult run(String instanceId, String command, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0, got " + timeout);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    ConnectInfo cached = infos.get(instanceId);
    boolean fresh = cached == null || cached.expiredAt(clock.instant());
    ConnectInfo info = cached == null || fresh ? fetch(instanceId) : cached;
    try {
      return runOnce(Endpoint.of(info, settings), command, deadline);
    } catch (LoginRefused e) {
      if (fresh) {
        throw e.failure;
      }
      // The cached credentials may have been replaced before their stated expiry: ask once more.
      try {
        return runOnce(Endpoint.of(fetch(instanceId), settings), command, deadline);
      } catch (LoginRefused again) {
        throw again.failure;
      }
    }
  }

  @Override
  public void forget(String instanceId) {
    infos.remove(instanceId);
    hostKeys.remove(instanceId);
  }

  private ConnectInfo fetch(String instanceId) {
    ConnectInfo info;
    try {
      info = source.apply(instanceId);
    } catch (RuntimeException e) {
      throw new ConnectorException(
          "cannot get connect info of instance " + instanceId + ": " + e.getMessage(), e);
    }
    infos.put(instanceId, info);
    return info;
  }

  /** A refused login, kept apart so that a cached credential can be retried once. */
  private static final class LoginRefused extends Exception {
    private static final long serialVersionUID = 1L;
    final ConnectorException failure;

    LoginRefused(ConnectorException failure) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
    }
  }

  private CommandResult runOnce(Endpoint e, String command, long deadline) throws LoginRefused {
    if (e.protocol() != Protocol.SSH) {
      throw new ConnectorException(
          "instance "
              + e.instanceId()
              + " uses "
              + e.protocol().wireName()
              + ", which the connector does not support yet (SSH only)");
    }
    String where = "instance " + e.instanceId() + " at " + e.address();
    try (SSHClient ssh = new SSHClient(sshConfig)) {
      int stepMillis = (int) Math.min(e.timeout().toMillis(), remainingMillis(deadline, where));
      ssh.setConnectTimeout(stepMillis);
      ssh.setTimeout(stepMillis);
      ssh.addHostKeyVerifier(new PinningVerifier(e.instanceId()));
      ssh.connect(e.host(), e.port());
      if (!e.keepalive().isZero() && !e.keepalive().isNegative()) {
        ssh.getConnection()
            .getKeepAlive()
            .setKeepAliveInterval((int) Math.max(1, e.keepalive().toSeconds()));
      }
      login(ssh, e, where);
      // Not closed on its own: closing a session waits for the remote command to end, which a
      // timed-out command may never do; closing the client drops the connection at once.
      Session session = ssh.startSession();
      Session.Command cmd = session.exec(command);
      long waitMillis = remainingMillis(deadline, where);
      try {
        cmd.join(waitMillis, TimeUnit.MILLISECONDS);
      } catch (ConnectionException ex) {
        throw new ConnectorException(
            where + ": the command did not end within " + Duration.ofMillis(waitMillis), ex);
      }
      String output = read(cmd.getInputStream(), CommandResult.MAX_OUTPUT);
      output += read(cmd.getErrorStream(), CommandResult.MAX_OUTPUT - output.length());
      Integer status = cmd.getExitStatus();
      return new CommandResult(status == null ? -1 : status, output);
    } catch (LoginRefused | ConnectorException ex) {
      throw ex;
    } catch (IOException ex) {
      throw new ConnectorException(where + ": " + describe(ex, deadline), ex);
    }
  }

  private static void login(SSHClient ssh, Endpoint e, String where)
      throws IOException, LoginRefused {
    String key = e.privateKey();
    String password = e.password();
    if (key == null && password == null) {
      throw new ConnectorException(where + ": no password or key for user " + e.username());
    }
    try {
      if (key != null) {
        ssh.authPublickey(e.username(), ssh.loadKeys(key, null, null));
      } else {
        ssh.authPassword(e.username(), password);
      }
    } catch (UserAuthException ex) {
      throw new LoginRefused(
          new ConnectorException(where + ": login as " + e.username() + " was refused", ex));
    }
  }

  private static long remainingMillis(long deadline, String where) {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left <= 0) {
      throw new ConnectorException(where + ": timed out");
    }
    return left;
  }

  private static String describe(IOException ex, long deadline) {
    String what = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    return System.nanoTime() - deadline >= 0 ? "timed out (" + what + ")" : what;
  }

  private static String read(InputStream in, int max) throws IOException {
    if (max <= 0) {
      return "";
    }
    return new String(in.readNBytes(max), StandardCharsets.UTF_8);
  }

  /** Accepts the first host key of an instance and only that key afterwards. */
  private final class PinningVerifier implements HostKeyVerifier {
    private final String instanceId;

    PinningVerifier(String instanceId) {
      this.instanceId = instanceId;
    }

    @Override
    public boolean verify(String hostname, int port, PublicKey key) {
      String fingerprint = SecurityUtils.getFingerprint(key);
      @Nullable String pinned = hostKeys.putIfAbsent(instanceId, fingerprint);
      return pinned == null || pinned.equals(fingerprint);
    }

    @Override
    public List<String> findExistingAlgorithms(String hostname, int port) {
      return List.of();
    }
  }
}
