import { Queue, Worker } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { testRedis, testRedisUrl, uniqueName } from "../../test/harness/redis.js";
import { startRedisServer } from "../../test/harness/redis-server.js";
import { MetricsUnavailableError, RedisObserver } from "./observer.js";
import type { QueueSource } from "./types.js";

const observer = new RedisObserver(2000);
const redis = testRedis();
afterAll(async () => {
  await observer.close();
  await redis.quit();
});

function source(over: Partial<QueueSource>): QueueSource {
  return {
    kind: "bullmq",
    name: uniqueName("q"),
    usersKey: uniqueName("users"),
    usersWindowMs: 5 * 60_000,
    ...over,
  };
}

describe("RedisObserver on a real Redis", () => {
  it("counts BullMQ jobs in every state: wait + paused + prioritized are waiting, delayed apart", async () => {
    const src = source({ serviceTimeKey: uniqueName("svc") });
    const connection = { url: testRedisUrl() };
    const queue = new Queue(src.name, { connection });
    await queue.add("plain", {});
    await queue.add("plain", {});
    await queue.add("urgent", {}, { priority: 1 });
    await queue.add("retry-later", {}, { delay: 60_000 });
    // one job taken by a worker and held active until the test lets it go
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const taken = new Promise<void>((resolve) => {
      const worker = new Worker(
        src.name,
        async () => {
          resolve();
          await held;
        },
        { connection, autorun: true, concurrency: 1 },
      );
      afterAll(() => worker.close());
    });
    await taken;
    const now = Date.now();
    await redis.zadd(src.usersKey, now - 1000, "1", now - 60_000, "2", now - 10 * 60_000, "3-stale");
    await redis.lpush(src.serviceTimeKey as string, "4000", "6000");

    const obs = await observer.observe("ns/pool-a", testRedisUrl(), src, now);
    // 4 added; the worker took one of the three ready jobs
    expect(obs).toMatchObject({ waiting: 2, active: 1, delayed: 1, activeUsers: 2, serviceTimeSeconds: 5 });
    expect(obs.addedTotal).toBe(4);
    expect(obs.arrivalRate).toBeUndefined();

    // a second reading turns the id counter into an arrival rate
    // jobs with ids of their own (as the bot adds them) advance the counter too
    await queue.add("plain", {}, { jobId: "tg-1-1" });
    await queue.add("plain", {}, { jobId: "tg-1-2" });
    const later = await observer.observe("ns/pool-a", testRedisUrl(), src, now + 2000);
    expect(later.arrivalRate).toBe(1);
    expect(later.waiting).toBe(4);
    release();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
  });

  it("counts jobs added to a paused BullMQ queue as waiting", async () => {
    const src = source({});
    const queue = new Queue(src.name, { connection: { url: testRedisUrl() } });
    await queue.pause();
    await queue.add("a", {});
    await queue.add("b", {});
    const obs = await observer.observe("ns/paused", testRedisUrl(), src, Date.now());
    expect(obs.waiting).toBe(2);
    await queue.close();
  });

  it("reads the list layout RQ uses (rq:queue:img_queue) with LLEN", async () => {
    const name = `rq:queue:${uniqueName("img_queue")}`;
    await redis.rpush(name, "job-1", "job-2", "job-3");
    const obs = await observer.observe("ns/rq", testRedisUrl(), source({ kind: "list", name }), Date.now());
    expect(obs).toMatchObject({ waiting: 3, active: 0, delayed: 0, addedTotal: undefined });
  });

  it("reads a stream's consumer-group lag as waiting and pending entries as active", async () => {
    const name = uniqueName("stream");
    for (let i = 0; i < 5; i++) await redis.xadd(name, "*", "prompt", `p${i}`);
    await redis.xgroup("CREATE", name, "workers", "0");
    // a consumer takes two entries and has not acknowledged them
    await redis.xreadgroup("GROUP", "workers", "c1", "COUNT", "2", "STREAMS", name, ">");
    const obs = await observer.observe(
      "ns/stream",
      testRedisUrl(),
      source({ kind: "stream", name }),
      Date.now(),
    );
    expect(obs).toMatchObject({ waiting: 3, active: 2, addedTotal: 5 });
  });

  it("treats a stream without a consumer group as all waiting", async () => {
    const name = uniqueName("stream");
    await redis.xadd(name, "*", "k", "v");
    const obs = await observer.observe("ns/s2", testRedisUrl(), source({ kind: "stream", name }), Date.now());
    expect(obs.waiting).toBe(1);
  });

  it("reports a stopped Redis as missing metrics within the deadline, never as zero", async () => {
    const own = await startRedisServer();
    const src = source({});
    const first = await observer.observe("ns/down", own.url, src, Date.now());
    expect(first.waiting).toBe(0);
    await own.stop();
    const started = Date.now();
    await expect(observer.observe("ns/down", own.url, src, Date.now())).rejects.toBeInstanceOf(
      MetricsUnavailableError,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
