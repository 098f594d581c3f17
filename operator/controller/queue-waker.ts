import { Redis } from "ioredis";
import type { Logger } from "../../common/logger.js";

type Source = { url: string; stream: string };

/**
 * Wakes pools as soon as jobs arrive, instead of at their next poll: for every BullMQ queue in use
 * it blocks on the queue's events stream (`<prefix>:<queue>:events`) and, on "added" or "waiting",
 * calls `onWake` for each pool that reads that queue. One connection per watched stream.
 */
export class QueueWaker {
  private readonly byStream = new Map<string, { source: Source; pools: Set<string>; stop: () => void }>();
  private readonly poolStream = new Map<string, string>();

  constructor(
    private readonly onWake: (poolKey: string) => void,
    private readonly log: Logger,
  ) {}

  /** Starts (or keeps) watching the stream for a pool; a pool watches one stream at a time. */
  watch(poolKey: string, url: string, prefix: string, queueName: string): void {
    const stream = `${prefix}:${queueName}:events`;
    const id = `${url}|${stream}`;
    const previous = this.poolStream.get(poolKey);
    if (previous === id) return;
    if (previous) this.unwatch(poolKey);
    this.poolStream.set(poolKey, id);
    let entry = this.byStream.get(id);
    if (!entry) {
      const source = { url, stream };
      entry = { source, pools: new Set(), stop: this.follow(id, source) };
      this.byStream.set(id, entry);
    }
    entry.pools.add(poolKey);
  }

  unwatch(poolKey: string): void {
    const id = this.poolStream.get(poolKey);
    if (!id) return;
    this.poolStream.delete(poolKey);
    const entry = this.byStream.get(id);
    if (!entry) return;
    entry.pools.delete(poolKey);
    if (entry.pools.size === 0) {
      entry.stop();
      this.byStream.delete(id);
    }
  }

  close(): void {
    for (const e of this.byStream.values()) e.stop();
    this.byStream.clear();
    this.poolStream.clear();
  }

  private follow(id: string, source: Source): () => void {
    const redis = new Redis(source.url, {
      maxRetriesPerRequest: null,
      retryStrategy: (n) => Math.min(n * 500, 5000),
    });
    redis.on("error", () => {});
    let stopped = false;
    void (async () => {
      let last = "$";
      while (!stopped) {
        try {
          const res = (await redis.xread("COUNT", 1000, "BLOCK", 5000, "STREAMS", source.stream, last)) as
            | [string, [string, string[]][]][]
            | null;
          const entries = res?.[0]?.[1] ?? [];
          if (entries.length === 0) continue;
          last = entries[entries.length - 1]?.[0] ?? last;
          const arrived = entries.some(([, fields]) => {
            const event = fields[fields.indexOf("event") + 1];
            return event === "added" || event === "waiting";
          });
          if (arrived) for (const pool of this.byStream.get(id)?.pools ?? []) this.onWake(pool);
        } catch (err) {
          if (stopped) break;
          this.log.debug({ err, stream: source.stream }, "events stream read failed; retrying");
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    })();
    return () => {
      stopped = true;
      redis.disconnect();
    };
  }
}
