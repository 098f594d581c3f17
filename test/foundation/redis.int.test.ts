import { Queue } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { testRedis, testRedisUrl, uniqueName } from "../harness/redis.js";

describe("the real redis-server", () => {
  const redis = testRedis();
  afterAll(() => redis.quit());

  it("is a harness-started server on a free port, not 6379", () => {
    expect(testRedisUrl()).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(testRedisUrl()).not.toMatch(/:6379$/);
  });

  it("counts BullMQ jobs in every state in one getJobCounts call", async () => {
    const queue = new Queue(uniqueName("harness"), { connection: { url: testRedisUrl() } });
    await queue.add("a", {});
    await queue.add("b", {}, { priority: 5 });
    await queue.add("c", {}, { delay: 60_000 });
    const counts = await queue.getJobCounts("wait", "prioritized", "delayed", "active");
    expect(counts).toEqual({ wait: 1, prioritized: 1, delayed: 1, active: 0 });
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it("keeps tests apart by key prefix", async () => {
    const a = uniqueName("t");
    const b = uniqueName("t");
    await redis.set(`${a}:k`, "1");
    expect(await redis.get(`${b}:k`)).toBeNull();
    expect(await redis.get(`${a}:k`)).toBe("1");
  });
});
