import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { inject } from "vitest";

/** The URL of the run's real redis-server (started by global-setup). */
export function testRedisUrl(): string {
  return inject("redisUrl");
}

/** A name no other test uses: for queue names, key prefixes, namespaces. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

/** A connection to the run's redis-server; close it in afterAll/afterEach. */
export function testRedis(): Redis {
  return new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
}
