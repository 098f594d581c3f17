import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { SERVICE_TIME_SAMPLES } from "../../common/service-time.js";
import type { QueueReading, QueueSource } from "./types.js";

/**
 * Reads one pool's queue and active users from Redis in at most two round trips: BullMQ's
 * getJobCounts (one Lua call) for bullmq queues, then one pipeline with the users' ZCOUNT, the
 * id counter and the service-time samples. Any Redis error rejects: missing data is never zero.
 */
export async function readQueue(redis: Redis, src: QueueSource, now: number): Promise<QueueReading> {
  const prefix = src.prefix ?? "bull";
  let waiting = 0;
  let active = 0;
  let delayed = 0;
  const pipe = redis.pipeline();
  pipe.zcount(src.usersKey, now - src.usersWindowMs, "+inf");
  if (src.serviceTimeKey) pipe.lrange(src.serviceTimeKey, 0, SERVICE_TIME_SAMPLES - 1);

  if (src.kind === "bullmq") {
    const queue = bullQueue(redis, src.name, prefix);
    // wait + paused + prioritized are all "ready and not taken"; getWaitingCount alone misses prioritized
    const counts = await queue.getJobCounts(
      "wait",
      "paused",
      "prioritized",
      "active",
      "delayed",
      "waiting-children",
    );
    waiting = (counts.wait ?? 0) + (counts.paused ?? 0) + (counts.prioritized ?? 0);
    active = counts.active ?? 0;
    delayed = counts.delayed ?? 0;
    pipe.get(`${prefix}:${src.name}:id`);
  } else if (src.kind === "list") {
    pipe.llen(src.name);
  } else {
    pipe.call("XINFO", "GROUPS", src.name);
    pipe.xlen(src.name);
  }

  const results = await pipe.exec();
  if (!results) throw new Error("redis pipeline returned nothing");
  const values = results.map(([err, value], i) => {
    if (err) throw new Error(`redis command ${i} failed`, { cause: err });
    return value;
  });
  let i = 0;
  const activeUsers = Number(values[i++]);
  const serviceTimeSeconds = src.serviceTimeKey ? meanSeconds(values[i++] as string[]) : undefined;
  let addedTotal: number | undefined;
  if (src.kind === "bullmq") {
    const id = values[i++];
    addedTotal = id == null ? 0 : Number(id);
  } else if (src.kind === "list") {
    waiting = Number(values[i++]);
  } else {
    const groups = parseGroups(values[i++]);
    const group = src.consumerGroup ? groups.find((g) => g.name === src.consumerGroup) : groups[0];
    const length = Number(values[i++]);
    // no group yet: nothing has been consumed, so every entry is waiting
    waiting = group ? (group.lag ?? length) : length;
    active = group?.pending ?? 0;
    addedTotal =
      group?.entriesRead !== undefined && group.lag !== undefined ? group.entriesRead + group.lag : undefined;
  }
  return { waiting, active, delayed, activeUsers, addedTotal, serviceTimeSeconds };
}

const queues = new WeakMap<Redis, Map<string, Queue>>();

/** One BullMQ Queue object per connection and name, reusing the pool's connection. */
function bullQueue(redis: Redis, name: string, prefix: string): Queue {
  let byName = queues.get(redis);
  if (!byName) {
    byName = new Map();
    queues.set(redis, byName);
  }
  const key = `${prefix}:${name}`;
  let q = byName.get(key);
  if (!q) {
    q = new Queue(name, { connection: redis, prefix });
    // a Queue forwards connection errors as events; the caller sees them as failed reads
    q.on("error", () => {});
    byName.set(key, q);
  }
  return q;
}

function meanSeconds(samples: string[] | undefined): number | undefined {
  const ms = (samples ?? []).map(Number).filter((n) => Number.isFinite(n) && n >= 0);
  if (ms.length === 0) return undefined;
  return ms.reduce((a, b) => a + b, 0) / ms.length / 1000;
}

type GroupInfo = { name: string; pending: number; lag: number | undefined; entriesRead: number | undefined };

/** XINFO GROUPS answers a list of flat field/value arrays. */
function parseGroups(raw: unknown): GroupInfo[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((flat: unknown[]) => {
    const f = new Map<string, unknown>();
    for (let j = 0; j + 1 < flat.length; j += 2) f.set(String(flat[j]), flat[j + 1]);
    const num = (k: string) => (f.get(k) == null ? undefined : Number(f.get(k)));
    return {
      name: String(f.get("name")),
      pending: num("pending") ?? 0,
      lag: num("lag"),
      entriesRead: num("entries-read"),
    };
  });
}
