package io.fleetscaler.daemon.ha;

import io.fleetscaler.core.state.TermEndedException;

/**
 * A state write refused because this node does not lead (any more): etcd compared the leader key's
 * create revision with this node's term and found another, or none. Nothing was written. The core's
 * writer logs it once as the end of a term, not as a storage fault; {@code
 * fleetscaler_ha_fenced_writes_total} counts it.
 */
public final class FencedWriteException extends TermEndedException {
  private static final long serialVersionUID = 1L;

  FencedWriteException(String message) {
    super(message);
  }
}
