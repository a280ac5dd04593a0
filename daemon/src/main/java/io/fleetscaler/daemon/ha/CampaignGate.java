package io.fleetscaler.daemon.ha;

/**
 * When an election of a sharded set may campaign, and when its leader should hand the shard on
 * ({@link Spreading}). A gate only ever delays a campaign or ends a term early: the campaign
 * transaction, the fence and the guard are the same with or without it, so it cannot make two nodes
 * lead one shard.
 *
 * <p>Called on the elections' threads; implementations are thread-safe.
 */
interface CampaignGate {
  /** The gate of a lone election: campaign whenever the key is absent, never hand on. */
  CampaignGate ALWAYS =
      new CampaignGate() {
        @Override
        public boolean mayCampaign(String shard, long absentNanos) {
          return true;
        }

        @Override
        public void released(String shard) {}

        @Override
        public boolean shouldResign(String shard) {
          return false;
        }

        @Override
        public void leading(String shard, boolean leads) {}
      };

  /**
   * Whether this node may campaign for {@code shard} now; {@code absentNanos} is how long the
   * shard's leader key has been seen absent (0 while it is present or not yet read).
   */
  boolean mayCampaign(String shard, long absentNanos);

  /**
   * A campaign for {@code shard} that {@link #mayCampaign} allowed ended without a win (lost, or
   * etcd did not answer). A campaign that wins ends with {@link #leading}{@code (shard, true)}.
   */
  void released(String shard);

  /** Whether this node, leading {@code shard}, should resign it now (it leads over its share). */
  boolean shouldResign(String shard);

  /**
   * This node began ({@code leads}) or ended a term of {@code shard}. The election calls both under
   * the lock that sets and clears its fence, so they arrive in the order of its terms.
   */
  void leading(String shard, boolean leads);
}
