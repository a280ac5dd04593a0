/**
 * High availability on etcd ({@code [daemon.ha]}): one leader per election (a shard of the groups)
 * runs the shard's scalers and their plugins; standbys keep their config loaded and take over when
 * the leader's lease ends. Without {@code [daemon.ha]} nothing here runs.
 *
 * <h2>Election</h2>
 *
 * A node grants itself a lease of {@code lease_ttl} and creates {@code
 * <key_prefix>/election/<election>/leader} (a {@code LeaderRecord}: node name and advertised API
 * address) under it in a transaction that succeeds only if the key is absent. The winner keeps the
 * lease alive (a third of the TTL between keep-alives). Every node watches the key (an etcd watch,
 * {@code LeaderWatch}): a standby campaigns again the moment the key is deleted, the leader checks
 * its term the moment its key changes; a read every poll interval (a sixth of the TTL, at most one
 * second) is the safety net for a broken watch. The key dies with the lease (crash, partition,
 * SIGSTOP) or is deleted at once by a leader that resigns (clean shutdown), so a standby campaigns
 * as soon as etcd expires the lease (at most one TTL after the last keep-alive, plus etcd's
 * half-second expiry check) or right after a resignation. An event only wakes the election: the
 * campaign is the same transaction as before, so the watch changes when a node acts, never what is
 * safe.
 *
 * <h2>Fencing: what a paused-then-resumed leader can and cannot do</h2>
 *
 * Two independent barriers stand between a deposed leader and harm:
 *
 * <ol>
 *   <li><b>State writes are fenced in etcd.</b> Every write is a transaction guarded by {@code
 *       create_revision(leader key) == the revision at which this node created it}. When the lease
 *       ends, etcd deletes the key; a new leader's key has a newer create revision. So however long
 *       a leader was paused and whatever its clock believes, its write after its term ended fails
 *       in etcd and commits nothing ({@link io.fleetscaler.daemon.ha.FencedWriteException}). This
 *       barrier is exact: it depends on no clock.
 *   <li><b>Plugin calls are guarded by the leader's own monotonic clock</b> ({@link
 *       io.fleetscaler.daemon.ha.LeaseValidity}): a keep-alive sent at local time {@code s} and
 *       answered with TTL {@code T} proves the lease lives until at least {@code s + T}, since etcd
 *       restarts the TTL only on receipt; the guard holds until {@code s + T - margin}. A scaler
 *       checks the guard immediately before each plugin call and before handing out an acquisition.
 *       A leader paused by SIGSTOP, a long GC or a partition resumes with its monotonic clock past
 *       the bound, so its next check fails and it makes no new call and serves no acquisition; it
 *       then learns from etcd that its key is gone and steps down.
 *   <li><b>Each plugin call carries the guard's end</b> ({@link
 *       io.fleetscaler.daemon.ha.LeaderElection#guardRemaining} as the plugin client's call
 *       window): a pause that falls <em>between</em> a passing check and the moment the call's
 *       bytes leave the process would otherwise let that one call reach the plugin after the term
 *       ended (a gRPC deadline does not prevent it: grpc-java tests it only when the call starts,
 *       and the transport writes later). The plugin, whose process runs on while the daemon is
 *       stopped, compares its own monotonic clock with the window's end translated into it (a lower
 *       bound of the two clocks' offset learnt from its answers) and refuses the call before acting
 *       once the end has passed.
 * </ol>
 *
 * What stays out of reach: what the cloud was asked before the pause. A call the plugin accepted
 * while the lease held runs to its end in the plugin, and its cloud requests can land after the
 * term if the plugin is slow or stopped too (cloud APIs take no fencing token): an {@code Increase}
 * then creates instances the new leader finds unknown (it lists the cloud before deleting anything
 * unknown, so they are removed as preexisting, never while held); a {@code Decrease} deletes
 * instances the old leader believed idle, which the new leader may have handed out in between, the
 * one case where a job can lose its machine. A plugin not built on the SDK (a Go go-plugin plugin)
 * does not check arrivals, so for it the call in flight at a pause can still arrive late. The guard
 * also measures time with {@link System#nanoTime}, Linux's {@code CLOCK_MONOTONIC}, which does not
 * advance while the whole machine is suspended: a suspended-and-resumed VM sees its lease as still
 * valid until its next keep-alive answers (the state fence still holds).
 *
 * <h2>Shards: groups split over several leaders</h2>
 *
 * A group's {@code shard} key puts it in an election of its own (groups without one are in the
 * election named by {@code [daemon.ha] election}); each shard has its own lease, leader key {@code
 * <key_prefix>/election/<shard>/leader}, fence, guard and term, so nodes lead different shards at
 * once and losing one shard's lease stops only that shard's scalers. With several shards each node
 * also keeps a member key {@code <key_prefix>/members/<node>} under a lease of its own, and a
 * {@link io.fleetscaler.daemon.ha.Spreading} gate spreads the shards: a node campaigns for a shard
 * only while it leads fewer than {@code ceil(shards / live nodes)}, the shard's preferred node (a
 * deterministic rendezvous assignment) at once and the others once the key has been absent a poll
 * interval; a node over its share resigns its youngest shard after a hold-down of three TTLs.
 *
 * <p><b>The fencing argument holds per shard unchanged:</b> the gate only ever delays a campaign or
 * ends a term early (a hand-on is done as SIGTERM does it: the term ends while the fence and the
 * guard still hold, its last save committed, and only then is the leader key deleted and the lease
 * revoked, see {@link io.fleetscaler.daemon.ha.LeaderElection.Listener#handOn}). Who leads a shard
 * is still decided only by the campaign transaction on that shard's leader key, every state write
 * of its groups is still fenced on that key's create revision, and every plugin call of its groups
 * is still behind that shard's guard and call window. Shards share nothing in etcd but the member
 * keys (state keys are per group), and a wrong or stale view of the members can make a shard wait
 * or move, never be led twice.
 *
 * <h2>State</h2>
 *
 * {@link io.fleetscaler.daemon.ha.LeaderElection#stateStore} gives the core's {@link
 * io.fleetscaler.core.state.StateStore} in etcd, fenced on the term; takeover is the core's restart
 * adoption fed from it.
 */
@NullMarked
package io.fleetscaler.daemon.ha;

import org.jspecify.annotations.NullMarked;
