import { describe, expect, it } from "vitest";
import { WorkQueue } from "./work-queue.js";

describe("WorkQueue", () => {
  it("merges duplicate adds of a waiting key", async () => {
    const q = new WorkQueue();
    q.add("a");
    q.add("b");
    q.add("a");
    expect(q.length).toBe(2);
    expect(await q.get()).toBe("a");
    expect(await q.get()).toBe("b");
  });

  it("never hands out a key twice at once, and runs it again once if it was added meanwhile", async () => {
    const q = new WorkQueue();
    q.add("a");
    const first = await q.get();
    q.add("a");
    q.add("a");
    expect(q.length).toBe(0);
    q.done(first as string);
    expect(q.length).toBe(1);
    expect(await q.get()).toBe("a");
  });

  it("keeps the earliest of several delayed adds", async () => {
    const q = new WorkQueue();
    q.addAfter("a", 5000);
    q.addAfter("a", 20);
    const started = Date.now();
    expect(await q.get()).toBe("a");
    expect(Date.now() - started).toBeLessThan(2000);
    q.shutDown();
  });

  it("backs off exponentially on repeated failures until forgotten", () => {
    const q = new WorkQueue(100, 1000);
    expect([q.addRateLimited("a"), q.addRateLimited("a"), q.addRateLimited("a")]).toEqual([100, 200, 400]);
    expect([q.addRateLimited("a"), q.addRateLimited("a")]).toEqual([800, 1000]);
    q.forget("a");
    expect(q.addRateLimited("a")).toBe(100);
    q.shutDown();
  });

  it("releases waiting getters on shutdown", async () => {
    const q = new WorkQueue();
    const pending = q.get();
    q.shutDown();
    expect(await pending).toBeUndefined();
  });
});
