package io.fleetscaler.daemon.ha;

import java.io.IOException;

/**
 * A state write refused because this node does not lead (any more): etcd compared the leader key's
 * create revision with this node's term and found another, or none. Nothing was written.
 */
public final class FencedWriteException extends IOException {
  private static final long serialVersionUID = 1L;

  FencedWriteException(String message) {
    super(message);
  }
}
