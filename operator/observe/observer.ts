import { Redis } from "ioredis";
import { readQueue } from "./read-queue.js";
import type { QueueReading, QueueSource } from "./types.js";

export type Observation = QueueReading & {
  /** Jobs added per second since the previous reading; undefined on the first one. */
  arrivalRate: number | undefined;
  at: number;
};

/** Thrown when Redis could not be read in time; the caller treats it as missing metrics. */
export class MetricsUnavailableError extends Error {
  override name = "MetricsUnavailableError";
}

type Previous = { added: number; at: number };

/**
 * Reads pools' metrics from Redis, with one connection per Redis URL and a deadline per read
 * (default 2 s). Keeps the previous id counter per pool to turn it into an arrival rate.
 */
export class RedisObserver {
  private readonly connections = new Map<string, Redis>();
  private readonly previous = new Map<string, Previous>();

  constructor(private readonly timeoutMs = 2000) {}

  connection(url: string): Redis {
    let r = this.connections.get(url);
    if (!r) {
      r = new Redis(url, {
        lazyConnect: false,
        // while disconnected, fail at once (missing metrics) instead of queueing until the deadline
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        commandTimeout: this.timeoutMs,
        connectTimeout: this.timeoutMs,
        retryStrategy: (times) => Math.min(times * 200, 2000),
      });
      // errors surface as failed reads; without a listener ioredis would print them
      r.on("error", () => {});
      this.connections.set(url, r);
    }
    return r;
  }

  /** One reading for the pool `key`; rejects with MetricsUnavailableError on any failure or timeout. */
  async observe(key: string, url: string, src: QueueSource, now: number): Promise<Observation> {
    const redis = this.connection(url);
    let timer: NodeJS.Timeout | undefined;
    try {
      const reading = await Promise.race([
        readQueue(redis, src, now),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer from Redis within ${this.timeoutMs} ms`)),
            this.timeoutMs,
          );
        }),
      ]);
      return { ...reading, arrivalRate: this.rate(key, reading.addedTotal, now), at: now };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new MetricsUnavailableError(`reading ${src.kind} queue ${src.name}: ${reason}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  private rate(key: string, added: number | undefined, now: number): number | undefined {
    if (added === undefined) return undefined;
    const prev = this.previous.get(key);
    this.previous.set(key, { added, at: now });
    if (!prev || now <= prev.at || added < prev.added) return undefined;
    return ((added - prev.added) * 1000) / (now - prev.at);
  }

  forget(key: string): void {
    this.previous.delete(key);
  }

  async close(): Promise<void> {
    await Promise.all([...this.connections.values()].map((r) => r.quit().catch(() => r.disconnect())));
    this.connections.clear();
  }
}
