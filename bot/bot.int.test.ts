import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { againButton, imageJobSchema, jobIdFor } from "../common/job.js";
import { startTelegramEmulator, type TelegramEmulator } from "../sim/telegram/index.js";
import { testRedis, testRedisUrl, uniqueName } from "../test/harness/redis.js";
import { againJobId } from "./handlers/again.js";
import { redisReady, type TestBot, testBot, testConfig } from "./testing.js";

// Handler tests through bot.handleUpdate against the run's real Redis; replies go to an in-process
// Bot API emulator. Each test has its own queue name and key prefix.
let tg: TelegramEmulator;
let t: TestBot;
let redis: Redis;
let queue: Queue;
let queueName: string;
let keyPrefix: string;
let clock: number;

/** A bot replica on this test's queue and keys; every replica shares the Redis state. */
function replica(env: Record<string, string> = {}): TestBot {
  return testBot(
    tg,
    testConfig(tg, {
      REDIS_URL: testRedisUrl(),
      QUEUE_NAME: queueName,
      KEY_PREFIX: keyPrefix,
      // these tests send many messages to one chat quickly; pacing has its own test
      CHAT_MESSAGES_PER_SECOND: "50",
      CHAT_BURST: "50",
      ...env,
    }),
    () => clock,
  );
}

function start(env: Record<string, string> = {}): TestBot {
  t = replica(env);
  return t;
}

beforeAll(() => {
  redis = testRedis();
});
afterAll(() => {
  redis.disconnect();
});
beforeEach(async () => {
  tg = await startTelegramEmulator({ limits: { perChat: { perSecond: 50, burst: 50 } } });
  queueName = uniqueName("bot-q");
  keyPrefix = uniqueName("ib");
  queue = new Queue(queueName, { connection: redis });
  clock = Date.now();
  start();
  await redisReady(t.services);
});
afterEach(async () => {
  await t.close();
  await queue.close();
  await tg.close();
});

describe("an image request", () => {
  it("becomes one job with the DESIGN payload, and the user gets a status message with the position", async () => {
    const u = tg.user(201, { languageCode: "ru" });
    const update = u.sendText("  рыжий кот в космосе ");
    await t.handle(update);
    const jobId = jobIdFor(201, update.message.message_id);
    const job = await queue.getJob(jobId);
    const status = u.record.ofKind("text")[0];
    expect(status?.text).toBe("🕐 Запрос принят. Место в очереди: 1. Примерное ожидание: ~15 с.");
    expect(status?.message.reply_to_message?.message_id).toBe(update.message.message_id);
    expect(imageJobSchema.parse(job?.data)).toEqual({
      v: 1,
      userId: 201,
      chatId: 201,
      messageId: update.message.message_id,
      statusMessageId: status?.message.message_id,
      prompt: "рыжий кот в космосе",
      options: { size: "512", fullSize: false },
      lang: "ru",
      requestedAt: clock,
    });
    expect(job?.opts.attempts).toBeGreaterThan(0);
    // the second request waits behind the first
    await t.handle(u.sendCommand("/imagine", "a dog"));
    expect(u.record.texts()[1]).toMatch(/Место в очереди: 2\./);
    await expect(queue.getWaitingCount()).resolves.toBe(2);
  });

  it("redelivered makes no second job, no second status message, and counts once", async () => {
    start({ RATE_LIMIT_PER_MINUTE: "2" });
    await redisReady(t.services);
    const u = tg.user(202, { languageCode: "en" });
    const update = u.sendText("a lighthouse");
    await t.handle(update);
    await t.handle(update);
    await t.handle(update);
    await expect(queue.getJobCounts("wait")).resolves.toEqual({ wait: 1 });
    expect(u.record.texts()).toHaveLength(1);
    // the limit is 2 a minute: the redeliveries did not use it up
    await t.handle(u.sendText("a second lighthouse"));
    await expect(queue.getJobCounts("wait")).resolves.toEqual({ wait: 2 });
  });

  it("records the user as active on every interaction", async () => {
    const u = tg.user(203);
    await t.handle(u.sendCommand("/help"));
    const first = await redis.zscore(`${keyPrefix}:active-users`, "203");
    expect(Number(first)).toBe(clock);
    clock += 5000;
    await t.handle(u.sendCommand("/status"));
    expect(Number(await redis.zscore(`${keyPrefix}:active-users`, "203"))).toBe(clock);
  });

  it("trims users not seen within the retention", async () => {
    await t.handle(tg.user(204).sendCommand("/help"));
    clock += 2 * 3_600_000; // beyond the 1 h default
    await t.handle(tg.user(205).sendCommand("/help"));
    expect(await redis.zrange(`${keyPrefix}:active-users`, 0, -1)).toEqual(["205"]);
  });
});

describe("the rate limit", () => {
  it("refuses at the per-minute limit with how long to wait, and lets through after", async () => {
    start({ RATE_LIMIT_PER_MINUTE: "2", RATE_LIMIT_PENDING_JOBS: "10" });
    await redisReady(t.services);
    const u = tg.user(210, { languageCode: "ru" });
    await t.handle(u.sendText("one"));
    clock += 20_000;
    await t.handle(u.sendText("two"));
    clock += 10_000;
    await t.handle(u.sendText("three"));
    expect(u.record.texts()[2]).toBe(
      "⏳ Слишком много запросов. Подождите минуту.\nНовый запрос можно отправить через 30 с.",
    );
    await expect(queue.getWaitingCount()).resolves.toBe(2);
    clock += 30_001; // the first request leaves the window
    await t.handle(u.sendText("four"));
    expect(u.record.texts()[3]).toMatch(/^🕐 Запрос принят/);
    await expect(queue.getWaitingCount()).resolves.toBe(3);
    expect((await t.services.metrics.rateLimited.get()).values).toEqual([
      expect.objectContaining({ value: 1, labels: { limit: "per_minute" } }),
    ]);
  });

  it("refuses while the user has too many unfinished jobs, and lets through once one is done", async () => {
    start({ RATE_LIMIT_PENDING_JOBS: "1" });
    await redisReady(t.services);
    const u = tg.user(211, { languageCode: "en" });
    await t.handle(u.sendText("first"));
    await t.handle(u.sendText("second"));
    expect(u.record.texts()[1]).toBe(
      "⏳ Too many requests. Please wait a minute.\nYou already have 1 request in progress — send a new one when one of them is ready.",
    );
    // a worker makes the first image
    const worker = new Worker(queueName, async () => "done", { connection: testRedis() });
    await new Promise<void>((resolve) => worker.once("completed", () => resolve()));
    await worker.close();
    await t.handle(u.sendText("third"));
    expect(u.record.texts()[2]).toMatch(/^🕐 Request accepted/);
  });

  it("is shared by replicas: two bots on one Redis count together", async () => {
    start({ RATE_LIMIT_PER_MINUTE: "2" });
    const other = replica({ RATE_LIMIT_PER_MINUTE: "2" });
    try {
      await Promise.all([redisReady(t.services), redisReady(other.services)]);
      const u = tg.user(212);
      await Promise.all([
        t.handle(u.sendText("a")),
        other.handle(u.sendText("b")),
        t.handle(u.sendText("c")),
      ]);
      await expect(queue.getWaitingCount()).resolves.toBe(2);
      expect(u.record.texts().filter((x) => x.startsWith("⏳"))).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});

describe("/status and /cancel", () => {
  it("lists the user's jobs with their places, and /cancel removes the waiting ones", async () => {
    const other = tg.user(220);
    await t.handle(other.sendText("someone else's"));
    const u = tg.user(221, { languageCode: "en" });
    await t.handle(u.sendText("a red fox"));
    await t.handle(u.sendText("a blue fox"));
    await t.handle(u.sendCommand("/status"));
    expect(u.record.texts()[2]).toBe(
      "Your requests:\n🕐 “a red fox” — place in queue: 2\n🕐 “a blue fox” — place in queue: 3",
    );
    await t.handle(u.sendCommand("/cancel"));
    expect(u.record.texts()[3]).toBe("❌ 2 requests cancelled.");
    await expect(queue.getWaitingCount()).resolves.toBe(1);
    const statusIds = u.record
      .ofKind("text")
      .slice(0, 2)
      .map((e) => e.message.message_id);
    expect(u.record.edits().map((e) => [e.messageId, e.message.text])).toEqual(
      statusIds.map((id) => [id, "❌ Request cancelled."]),
    );
    await t.handle(u.sendCommand("/cancel"));
    expect(u.record.texts()[4]).toBe("Nothing to cancel: you have no requests waiting in the queue.");
    await t.handle(u.sendCommand("/status"));
    expect(u.record.texts()[5]).toBe("You have no requests in the queue. Write what to draw.");
  });

  it("does not cancel a job a worker has taken", async () => {
    const u = tg.user(222, { languageCode: "en" });
    await t.handle(u.sendText("slow one"));
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const worker = new Worker(queueName, () => held, { connection: testRedis() });
    await new Promise<void>((resolve) => worker.once("active", () => resolve()));
    try {
      await t.handle(u.sendCommand("/status"));
      expect(u.record.texts()[1]).toBe("Your requests:\n🎨 “slow one” — drawing");
      await t.handle(u.sendCommand("/cancel"));
      expect(u.record.texts()[2]).toBe(
        "Nothing to cancel: you have no requests waiting in the queue.\n🎨 One request is being drawn already and can't be cancelled.",
      );
    } finally {
      release();
      await worker.close();
    }
  });
});

describe("status messages", () => {
  it("show the new position when the queue moves, one edit per change", async () => {
    const a = tg.user(230);
    const b = tg.user(231, { languageCode: "en" });
    const first = a.sendText("first");
    await t.handle(first);
    await t.handle(b.sendText("second"));
    expect(b.record.texts()[0]).toMatch(/Place in queue: 2\./);
    await queue.remove(jobIdFor(230, first.message.message_id)); // as if a worker took it
    await t.services.tracker.refresh();
    await t.services.tracker.refresh();
    expect(b.record.edits().map((e) => e.message.text)).toEqual([
      expect.stringMatching(/Place in queue: 1\./),
    ]);
    expect(t.services.tracker.size).toBe(1);
  });
});

describe("/lang", () => {
  it("switches language with a button or an argument, and remembers it", async () => {
    const u = tg.user(240, { languageCode: "en" });
    await t.handle(u.sendCommand("/lang"));
    const menu = u.record.ofKind("text")[0];
    if (!menu) throw new Error("no menu");
    await t.handle(u.pressButton(menu.message.message_id, "lang:ru"));
    expect(u.record.callbackAnswers()[0]?.text).toBe("✅ Язык: русский.");
    await t.handle(u.sendCommand("/help"));
    expect(u.record.texts().at(-1)).toMatch(/^Что я умею/);
    await t.handle(u.sendCommand("/lang", "en"));
    expect(u.record.texts().at(-1)).toBe("✅ Language: English.");
    expect(await redis.get(`${keyPrefix}:lang:240`)).toBe("en");
  });
});

describe("make again", () => {
  it("enqueues a new job with the finished job's prompt and options when the button is pressed", async () => {
    const u = tg.user(250, { languageCode: "en" });
    const asked = u.sendText("a castle");
    await t.handle(asked);
    const jobId = jobIdFor(250, asked.message.message_id);
    // what the worker sends when the image is done
    const photo = await t.bot.telegram.sendMessage(250, "(image)", {
      reply_markup: { inline_keyboard: [[{ text: "🔁", callback_data: againButton.data(jobId) }]] },
    });
    const press = u.pressButton(photo.message_id, againButton.data(jobId));
    await t.handle(press);
    await t.handle(press); // redelivered press
    const again = await queue.getJob(againJobId(250, press.callback_query.id));
    expect(again?.data).toMatchObject({ prompt: "a castle", messageId: photo.message_id, userId: 250 });
    await expect(queue.getWaitingCount()).resolves.toBe(2);
    expect(u.record.callbackAnswers()[0]?.text).toBe("🔁 Drawing it again");
  });

  it("says so when the finished job is no longer kept", async () => {
    const u = tg.user(251, { languageCode: "en" });
    const msg = await t.bot.telegram.sendMessage(251, "(old image)", {
      reply_markup: { inline_keyboard: [[{ text: "🔁", callback_data: againButton.data("tg-251-1") }]] },
    });
    await t.handle(u.pressButton(msg.message_id, againButton.data("tg-251-1")));
    expect(u.record.callbackAnswers()[0]?.text).toBe(
      "This request is too old — please send the description again.",
    );
    await expect(queue.getWaitingCount()).resolves.toBe(0);
  });
});

describe("outgoing calls", () => {
  it("retries a 429 after retry_after and still delivers the status message", async () => {
    const u = tg.user(260);
    tg.faults.tooManyRequests(1, 1, { method: "sendMessage", chatId: 260 });
    const started = Date.now();
    await t.handle(u.sendText("patience"));
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(u.record.texts()).toHaveLength(1);
    const job = (await queue.getWaiting())[0];
    expect(job?.data.statusMessageId).toBe(u.record.ofKind("text")[0]?.message.message_id);
  });

  it("drops messages to a user who blocked the bot (403), and the job still goes in", async () => {
    const u = tg.user(261);
    const update = u.sendText("for later");
    u.blockBot();
    await t.handle(update);
    const job = await queue.getJob(jobIdFor(261, update.message.message_id));
    expect(job?.data.statusMessageId).toBeUndefined();
    expect((await t.services.metrics.telegramDropped.get()).values).toEqual([
      expect.objectContaining({ value: 1, labels: { method: "sendMessage", reason: "blocked" } }),
    ]);
  });
});
