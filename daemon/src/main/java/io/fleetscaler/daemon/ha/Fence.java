package io.fleetscaler.daemon.ha;

import com.google.protobuf.ByteString;

/**
 * The proof of a leadership term that every state write carries: the leader key and the revision
 * that created it. A transaction that compares the key's create revision with {@code
 * createRevision} succeeds only while this very term lasts: when the lease ends etcd deletes the
 * key, and a new leader's key has a newer create revision, so a deposed leader's write fails in
 * etcd itself, whatever its own clock believes.
 */
record Fence(ByteString leaderKey, long createRevision) {}
