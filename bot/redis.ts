import { Redis } from "ioredis";

/** Raised when Redis can't take a command now: the user reads "busy, try again". */
export class RedisUnavailableError extends Error {
  constructor(cause?: unknown) {
    super("redis unavailable", { cause });
    this.name = "RedisUnavailableError";
  }
}

/**
 * The bot's one Redis connection. It fails fast instead of queueing: no offline queue, one
 * attempt per command, a command deadline. It keeps reconnecting in the background, so the bot
 * serves again as soon as Redis is back.
 */
export function createRedis(url: string, commandTimeoutMs: number): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: Math.max(commandTimeoutMs, 2000),
    retryStrategy: (times) => Math.min(100 * times, 2000),
  });
}

/** Throws RedisUnavailableError unless the connection is up (BullMQ would wait for it instead of failing). */
export function requireReady(redis: Redis): void {
  if (redis.status !== "ready") throw new RedisUnavailableError(new Error(`connection is ${redis.status}`));
}

/** Runs a Redis operation; any failure becomes RedisUnavailableError. */
export async function withRedis<T>(redis: Redis, op: () => Promise<T>): Promise<T> {
  requireReady(redis);
  try {
    return await op();
  } catch (err) {
    throw err instanceof RedisUnavailableError ? err : new RedisUnavailableError(err);
  }
}
