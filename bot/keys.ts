/**
 * The bot's Redis keys under a configurable prefix. With the default prefix "imagebot" they are the
 * names in common/redis-keys.ts (DESIGN.md, "Redis contract"); tests give each run its own prefix.
 */
export type BotKeys = {
  /** ZSET: member user id, score last-seen epoch ms (read by the operator). */
  activeUsers: string;
  /** ZSET of one user's recent requests: member job id, score accepted-at ms. */
  rateLimit: (userId: number) => string;
  /** ZSET of one user's unfinished jobs: member job id, score accepted-at ms (negative while reserved). */
  userJobs: (userId: number) => string;
  /** STRING: the language a user chose with /lang. */
  lang: (userId: number) => string;
};

export function botKeys(prefix: string): BotKeys {
  return {
    activeUsers: `${prefix}:active-users`,
    rateLimit: (userId) => `${prefix}:rl:${userId}`,
    userJobs: (userId) => `${prefix}:uj:${userId}`,
    lang: (userId) => `${prefix}:lang:${userId}`,
  };
}
