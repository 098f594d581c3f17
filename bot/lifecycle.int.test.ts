import { describe, expect, it } from "vitest";
import { startTelegramEmulator } from "../sim/telegram/index.js";
import { testRedisUrl, uniqueName } from "../test/harness/redis.js";
import { startBot } from "./app.js";
import { testConfig } from "./testing.js";

describe("bot lifecycle", () => {
  // telegraf reports "launched" before its polling loop exists; a SIGTERM in that moment used to
  // leave the loop running and the stop waiting forever
  it("stops a polling bot at once, even right after it started", async () => {
    const tg = await startTelegramEmulator({ maxLongPollMs: 500 });
    try {
      const running = await startBot(
        testConfig(tg, {
          REDIS_URL: testRedisUrl(),
          QUEUE_NAME: uniqueName("q"),
          KEY_PREFIX: uniqueName("k"),
        }),
      );
      const started = Date.now();
      await running.stop();
      expect(Date.now() - started).toBeLessThan(5000);
      expect(running.ready()).toBe(false);
      // a second stop is harmless
      await running.stop();
    } finally {
      await tg.close();
    }
  });
});
