import type { Redis } from "ioredis";
import { isLang, type Lang } from "./i18n.js";
import type { BotKeys } from "./keys.js";
import { withRedis } from "./redis.js";

/**
 * What the bot keeps about a user: when they were last seen (the active-users ZSET the operator
 * scales on) and the language they chose with /lang.
 */
export class UserStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: BotKeys,
    /** entries older than this are trimmed on every write, so the ZSET holds recent users only */
    private readonly retentionMs: number,
  ) {}

  /** Records an interaction and reads the user's chosen language, in one round trip. */
  async touch(userId: number, now: number): Promise<Lang | undefined> {
    const replies = await withRedis(this.redis, () =>
      this.redis
        .pipeline()
        .zadd(this.keys.activeUsers, now, String(userId))
        .zremrangebyscore(this.keys.activeUsers, "-inf", now - this.retentionMs)
        .get(this.keys.lang(userId))
        .exec(),
    );
    const lang = replies?.[2]?.[1];
    return isLang(lang) ? lang : undefined;
  }

  async setLang(userId: number, lang: Lang): Promise<void> {
    await withRedis(this.redis, () => this.redis.set(this.keys.lang(userId), lang));
  }
}
