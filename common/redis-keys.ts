/** Redis names shared by the bot, the worker and the operator (DESIGN.md, "Redis contract"). */
export const redisKeys = {
  /** BullMQ prefix for every queue. */
  bullPrefix: "bull",
  /** The image jobs queue. */
  queueName: "img_queue",
  /** ZSET: member user id, score last-seen epoch ms. Written by the bot, read by the operator. */
  activeUsers: "imagebot:active-users",
  /** Rate-limit state of one user (bot only). */
  rateLimit: (userId: number | string) => `imagebot:rl:${userId}`,
  /** Waiting-job counter of one user (bot only). */
  userJobs: (userId: number | string) => `imagebot:uj:${userId}`,
  /** Per-job delivery mark: set once the photo went out, so a re-run job never sends it twice. */
  delivered: (jobId: string) => `imagebot:delivered:${jobId}`,
  /** Service-time samples reported by workers (for the operator's latency rule). */
  serviceTime: "imagebot:service-time",
} as const;
