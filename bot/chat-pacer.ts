import { setTimeout as sleep } from "node:timers/promises";

type Bucket = { tokens: number; last: number };

/** Added to every wait: Telegram's bucket started a little after ours (the first messages were in flight). */
const marginMs = 100;

/**
 * Keeps the bot inside Telegram's per-chat budget (about one message a second, a short burst)
 * before Telegram has to answer 429: a token bucket per chat, in this process.
 */
export class ChatPacer {
  private readonly buckets = new Map<number, Bucket>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes one message from the chat's budget, waiting for it; gives up (false, nothing taken) when
   * the wait would be longer than `maxWaitMs`.
   */
  async take(chatId: number, maxWaitMs: number): Promise<boolean> {
    const waitMs = this.reserve(chatId, maxWaitMs);
    if (waitMs === undefined) return false;
    if (waitMs > 0) await sleep(waitMs);
    return true;
  }

  /** Milliseconds to wait for the reserved message, or undefined when that exceeds maxWaitMs. */
  reserve(chatId: number, maxWaitMs: number): number | undefined {
    const now = this.now();
    const bucket = this.refill(chatId, now);
    const waitMs = bucket.tokens >= 1 ? 0 : ((1 - bucket.tokens) / this.perSecond) * 1000 + marginMs;
    if (waitMs > maxWaitMs) return undefined;
    // a reservation may take the bucket below zero: the next caller waits behind it
    bucket.tokens -= 1;
    return waitMs;
  }

  private refill(chatId: number, now: number): Bucket {
    let bucket = this.buckets.get(chatId);
    if (!bucket) {
      if (this.buckets.size > 10_000) this.prune(now);
      bucket = { tokens: this.burst, last: now };
      this.buckets.set(chatId, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.last) / 1000) * this.perSecond);
    bucket.last = now;
    return bucket;
  }

  /** A full bucket is the same as none: forget them, so memory follows the chats talking now. */
  private prune(now: number): void {
    for (const [chatId, bucket] of this.buckets) {
      const tokens = bucket.tokens + ((now - bucket.last) / 1000) * this.perSecond;
      if (tokens >= this.burst) this.buckets.delete(chatId);
    }
  }
}
