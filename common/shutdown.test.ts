import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { Shutdown } from "./shutdown.js";

const log = pino({ level: "silent" });

describe("Shutdown", () => {
  it("closes things in the order they were added, even when one fails", async () => {
    const order: string[] = [];
    const s = new Shutdown(log, 1000, () => {});
    s.add("intake", () => order.push("intake"))
      .add("broken", () => {
        throw new Error("boom");
      })
      .add("redis", async () => {
        await new Promise((r) => setTimeout(r, 10));
        order.push("redis");
      });
    await s.run();
    expect(order).toEqual(["intake", "redis"]);
  });

  it("rejects when closing takes longer than the deadline", async () => {
    const s = new Shutdown(log, 50, () => {});
    s.add("slow", () => new Promise((r) => setTimeout(r, 500)));
    await expect(s.run()).rejects.toThrow(/deadline/);
  });
});
