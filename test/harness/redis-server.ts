import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort, waitUntil } from "./free-port.js";
import { type Managed, startProcess } from "./process.js";

export type RedisServer = { url: string; port: number; stop: () => Promise<void>; process: Managed };

/**
 * Starts a real redis-server (Debian package) on a free loopback port, without persistence.
 * It never touches a Redis it did not start.
 */
export async function startRedisServer(port?: number): Promise<RedisServer> {
  const p = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "imagebot-redis-"));
  const proc = startProcess(
    "redis-server",
    process.env.REDIS_SERVER_BIN ?? "redis-server",
    ["--port", String(p), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    join(dir, "redis.log"),
  );
  const url = `redis://127.0.0.1:${p}`;
  await waitUntil(
    `redis-server on port ${p} (log: ${proc.logPath})`,
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`redis-server exited; see ${proc.logPath}`);
      const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      // refused connections while the server starts are expected; the next poll tries again
      r.on("error", () => {});
      try {
        await r.connect();
        return (await r.ping()) === "PONG";
      } finally {
        r.disconnect();
      }
    },
    10_000,
  );
  return { url, port: p, stop: proc.stop, process: proc };
}
