import { z } from "zod";

const bucketSchema = z.object({
  /** tokens added per second */
  perSecond: z.number().positive(),
  /** bucket size: how many requests may go out back to back */
  burst: z.number().int().positive(),
});

export const floodLimitsSchema = z.object({
  enabled: z.boolean().default(true),
  /** Telegram: about one message per second in a chat, with a short burst allowed. */
  perChat: bucketSchema.default({ perSecond: 1, burst: 3 }),
  /** Telegram: about 30 messages per second over all chats. */
  global: bucketSchema.default({ perSecond: 30, burst: 30 }),
});

export type BucketLimit = z.infer<typeof bucketSchema>;
export type FloodLimits = z.infer<typeof floodLimitsSchema>;
export type FloodLimitsInput = z.input<typeof floodLimitsSchema>;

export type FloodVerdict = { ok: true } | { ok: false; retryAfter: number };

class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private limit: BucketLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.last = now;
  }

  setLimit(limit: BucketLimit): void {
    this.limit = limit;
    this.tokens = Math.min(this.tokens, limit.burst);
  }

  /** Milliseconds until one token is available (0 when one is available now). */
  waitMs(now: number): number {
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) / 1000) * this.limit.perSecond);
    this.last = now;
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.limit.perSecond) * 1000;
  }

  take(): void {
    this.tokens -= 1;
  }

  isFull(now: number): boolean {
    return this.waitMs(now) === 0 && this.tokens >= this.limit.burst;
  }
}

const pruneAbove = 10_000;

/**
 * Telegram's flood control for sending and editing methods: a token bucket per chat and one for the
 * whole bot. A refused request spends nothing; retry_after is whole seconds, at least 1, as Telegram sends it.
 */
export class FloodLimiter {
  private limits: FloodLimits;
  private readonly chats = new Map<string, TokenBucket>();
  private global: TokenBucket;
  rejections = 0;

  constructor(
    limits: FloodLimitsInput = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = floodLimitsSchema.parse(limits);
    this.global = new TokenBucket(this.limits.global, now());
  }

  get current(): FloodLimits {
    return this.limits;
  }

  setLimits(limits: FloodLimitsInput): void {
    this.limits = floodLimitsSchema.parse({ ...this.limits, ...limits });
    this.global.setLimit(this.limits.global);
    for (const bucket of this.chats.values()) bucket.setLimit(this.limits.perChat);
  }

  tryTake(chatKey: string): FloodVerdict {
    if (!this.limits.enabled) return { ok: true };
    const now = this.now();
    const chat = this.chatBucket(chatKey, now);
    const waitMs = Math.max(chat.waitMs(now), this.global.waitMs(now));
    if (waitMs > 0) {
      this.rejections += 1;
      return { ok: false, retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    chat.take();
    this.global.take();
    return { ok: true };
  }

  private chatBucket(chatKey: string, now: number): TokenBucket {
    let bucket = this.chats.get(chatKey);
    if (!bucket) {
      if (this.chats.size >= pruneAbove) this.prune(now);
      bucket = new TokenBucket(this.limits.perChat, now);
      this.chats.set(chatKey, bucket);
    }
    return bucket;
  }

  /** A full bucket is the same as no bucket, so load benches with many chats don't grow memory. */
  private prune(now: number): void {
    for (const [key, bucket] of this.chats) if (bucket.isFull(now)) this.chats.delete(key);
  }
}
