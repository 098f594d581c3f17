import type { Redis } from "ioredis";
import { redisKeys } from "./redis-keys.js";

/** Samples the operator averages (it reads `LRANGE <key> 0 49`). */
export const SERVICE_TIME_SAMPLES = 50;

export function serviceTimeKey(queueName: string): string {
  return `${redisKeys.serviceTime}:${queueName}`;
}

/** Reports how long a job kept this worker busy, in ms, for the operator's latency rule. */
export async function recordServiceTime(redis: Redis, queueName: string, ms: number): Promise<void> {
  const key = serviceTimeKey(queueName);
  await redis
    .multi()
    .lpush(key, String(Math.round(ms)))
    .ltrim(key, 0, SERVICE_TIME_SAMPLES - 1)
    .exec();
}
