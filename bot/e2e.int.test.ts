import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jobIdFor } from "../common/job.js";
import { startTelegramEmulator, type TelegramEmulator } from "../sim/telegram/index.js";
import { freePort } from "../test/harness/free-port.js";
import { testRedis, testRedisUrl, uniqueName } from "../test/harness/redis.js";
import { startRedisServer } from "../test/harness/redis-server.js";
import { type RunningBot, startBot } from "./app.js";
import { testConfig } from "./testing.js";

// End to end: the bot as a program (startBot), updates from the Bot API emulator over HTTP, jobs
// in the run's real Redis, in both intake modes.
const secret = "s3cret_token-for-tests";
let redis: Redis;
beforeAll(() => {
  redis = testRedis();
});
afterAll(() => {
  redis.disconnect();
});

type Mode = "polling" | "webhook";

async function modeEnv(mode: Mode): Promise<Record<string, string>> {
  if (mode === "polling") return {};
  const port = await freePort();
  return {
    WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
    WEBHOOK_SECRET: secret,
    WEBHOOK_PORT: String(port),
    WEBHOOK_HOST: "127.0.0.1",
  };
}

describe.each<Mode>(["polling", "webhook"])("the bot over %s", (mode) => {
  let tg: TelegramEmulator;
  let running: RunningBot;
  let queue: Queue;
  let clock: number;

  beforeEach(async () => {
    tg = await startTelegramEmulator({ maxLongPollMs: 500, webhookRetry: { initialMs: 20, maxMs: 200 } });
    const queueName = uniqueName("e2e-q");
    queue = new Queue(queueName, { connection: redis });
    clock = Date.now();
    const config = testConfig(tg, {
      REDIS_URL: testRedisUrl(),
      QUEUE_NAME: queueName,
      KEY_PREFIX: uniqueName("ib"),
      RATE_LIMIT_PER_MINUTE: "2",
      ...(await modeEnv(mode)),
    });
    running = await startBot(config, { now: () => clock });
  });
  afterEach(async () => {
    await running.stop();
    await queue.close();
    await tg.close();
  });

  it("turns a prompt into a job with the right payload and a status message", async () => {
    expect(running.mode).toBe(mode);
    const u = tg.user(301, { languageCode: "en" });
    const sent = u.sendText("a ginger cat in space");
    const status = await u.waitFor((e) => e.kind === "text");
    expect(status.kind === "text" && status.text).toBe(
      "🕐 Request accepted. Place in queue: 1. Estimated wait: ~15 s.",
    );
    // the status goes out just before the job is added
    await expect.poll(() => queue.getWaitingCount(), { timeout: 5000 }).toBe(1);
    const job = await queue.getJob(jobIdFor(301, sent.message.message_id));
    expect(job?.data).toMatchObject({
      v: 1,
      userId: 301,
      chatId: 301,
      messageId: sent.message.message_id,
      statusMessageId: status.kind === "text" ? status.message.message_id : -1,
      prompt: "a ginger cat in space",
      lang: "en",
      requestedAt: clock,
    });
    const metrics = await (await fetch(`http://127.0.0.1:${running.metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/imagebot_bot_jobs_enqueued_total\{program="bot"\} 1/);
    expect(metrics).toMatch(/imagebot_bot_updates_total\{type="message",program="bot"\} 1/);
    expect((await fetch(`http://127.0.0.1:${running.metricsPort}/readyz`)).status).toBe(200);
  });

  it("refuses at the rate limit and lets through after a minute", async () => {
    const u = tg.user(302, { languageCode: "ru" });
    u.sendText("one");
    u.sendText("two");
    u.sendText("three");
    await u.waitFor(
      (e) => e.kind === "text" && e.text.startsWith("⏳ Слишком много запросов. Подождите минуту."),
    );
    await expect.poll(() => queue.getWaitingCount(), { timeout: 5000 }).toBe(2);
    clock += 61_000;
    u.sendText("four");
    await expect.poll(() => queue.getWaitingCount(), { timeout: 5000 }).toBe(3);
  });

  it("removes the waiting job on /cancel", async () => {
    const u = tg.user(303, { languageCode: "en" });
    u.sendText("to be cancelled");
    await u.waitFor((e) => e.kind === "text");
    await expect.poll(() => queue.getWaitingCount(), { timeout: 5000 }).toBe(1);
    u.sendCommand("/cancel");
    await u.waitFor((e) => e.kind === "text" && e.text === "❌ Request cancelled.");
    await expect(queue.getWaitingCount()).resolves.toBe(0);
  });

  it("answers bad prompts and makes no job", async () => {
    const u = tg.user(304, { languageCode: "en" });
    u.sendCommand("/imagine");
    u.sendText("\u200b \u0007");
    u.sendText("y".repeat(1500));
    await u.waitFor((e) => e.kind === "text" && e.text.startsWith("✂️"));
    expect(u.record.texts().filter((x) => x.startsWith("✏️"))).toHaveLength(2);
    await expect(queue.getJobCounts("wait")).resolves.toEqual({ wait: 0 });
  });

  it("makes one job of a redelivered update", async () => {
    const u = tg.user(305);
    const update = u.sendText("only once");
    await u.waitFor((e) => e.kind === "text");
    await expect.poll(() => queue.getWaitingCount(), { timeout: 5000 }).toBe(1);
    if (mode === "webhook") {
      // Telegram posts the same update again when it missed our answer
      const hook = tg.webhookInfo().url;
      const res = await fetch(hook, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
        body: JSON.stringify(update),
      });
      expect(res.status).toBe(200);
    } else {
      // the poller restarting before it confirmed the offset hands the same update over again
      await running.bot.handleUpdate(update as never);
    }
    await expect(queue.getJobCounts("wait")).resolves.toEqual({ wait: 1 });
    expect(u.record.texts()).toHaveLength(1);
  });

  it(
    mode === "webhook" ? "refuses webhook posts without the right secret token" : "sets no webhook",
    async () => {
      if (mode === "polling") {
        // a polling bot must not leave a webhook behind: Telegram would refuse its getUpdates with 409
        expect(tg.webhookInfo().url).toBe("");
        return;
      }
      const u = tg.user(306);
      const update = { update_id: 999_999, message: { ...u.sendText("x").message, message_id: 777 } };
      const url = tg.webhookInfo().url;
      const post = (headers: Record<string, string>) =>
        fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(update),
        });
      expect((await post({})).status).toBe(401);
      expect((await post({ "x-telegram-bot-api-secret-token": "wrong" })).status).toBe(403);
      await u.waitFor((e) => e.kind === "text"); // the genuine update, delivered by the emulator with the secret
      expect(await queue.getJob(jobIdFor(306, 777))).toBeUndefined();
    },
  );
});

describe.each<Mode>(["polling", "webhook"])("Redis down, over %s", (mode) => {
  it("tells the user the service is busy, keeps running, and works again when Redis is back", async () => {
    const own = await startRedisServer();
    const tg = await startTelegramEmulator({ maxLongPollMs: 500 });
    const queueName = uniqueName("down-q");
    const running = await startBot(
      testConfig(tg, {
        REDIS_URL: own.url,
        QUEUE_NAME: queueName,
        KEY_PREFIX: uniqueName("ib"),
        REDIS_COMMAND_TIMEOUT: "500ms",
        ...(await modeEnv(mode)),
      }),
    );
    let back: Awaited<ReturnType<typeof startRedisServer>> | undefined;
    try {
      const u = tg.user(310, { languageCode: "ru" });
      u.sendText("до сбоя");
      await u.waitFor((e) => e.kind === "text" && e.text.startsWith("🕐"));
      await own.stop();
      u.sendText("во время сбоя");
      await u.waitFor((e) => e.kind === "text" && e.text.startsWith("⚠️ Сервис сейчас перегружен"), 10_000);
      expect(running.ready()).toBe(false);
      back = await startRedisServer(own.port);
      await expect.poll(() => running.ready(), { timeout: 10_000 }).toBe(true);
      u.sendText("после сбоя");
      await u.waitFor((e) => e.kind === "text" && e.text.startsWith("🕐") && e.seq > 2, 10_000);
      const q = new Queue(queueName, { connection: { url: back.url } });
      await expect(q.getWaitingCount()).resolves.toBe(1);
      await q.close();
    } finally {
      await running.stop();
      await tg.close();
      await back?.stop();
      await own.stop().catch(() => {});
    }
  });
});
