import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningBot, startBot } from "../../bot/app.js";
import { testConfig } from "../../bot/testing.js";
import { parseEnv } from "../../common/config.js";
import { createLogger } from "../../common/logger.js";
import { startTelegramEmulator, type TelegramEmulator } from "../../sim/telegram/index.js";
import { workerConfigSchema } from "../../worker/config.js";
import { type RunningWorker, startWorker } from "../../worker/start-worker.js";
import { testRedis, testRedisUrl, uniqueName } from "../harness/redis.js";

// The whole path a user sees: a message to the bot (over the Bot API emulator), a job in the real
// Redis, a real worker that makes the image, and the photo back in the same chat.
describe("from prompt to photo", () => {
  let tg: TelegramEmulator;
  let bot: RunningBot;
  let worker: RunningWorker;
  const queueName = uniqueName("e2e");
  const keyPrefix = uniqueName("ib");
  const redis = testRedis();

  beforeAll(async () => {
    tg = await startTelegramEmulator({ maxLongPollMs: 300 });
    bot = await startBot(
      testConfig(tg, { REDIS_URL: testRedisUrl(), QUEUE_NAME: queueName, KEY_PREFIX: keyPrefix }),
    );
    const cfg = parseEnv(workerConfigSchema, {
      BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_NAME: queueName,
      METRICS_PORT: "0",
      LOCAL_DELAY: "100ms",
      LOG_LEVEL: "silent",
    });
    worker = await startWorker(cfg, { log: createLogger("e2e-worker", "silent") });
  });
  afterAll(async () => {
    await worker.close();
    await bot.stop();
    await tg.close();
    await redis.quit();
  });

  it("delivers each user's image to their own chat, once, in their language", async () => {
    const anna = tg.user(910_001, { languageCode: "ru", firstName: "Анна" });
    const bob = tg.user(910_002, { languageCode: "en", firstName: "Bob" });
    const a = anna.sendText("рыжий кот на крыше, акварель");
    const b = bob.sendCommand("/imagine", "a lighthouse in a storm");

    const annaPhoto = await anna.waitFor((e) => e.kind === "photo", 20_000);
    const bobPhoto = await bob.waitFor((e) => e.kind === "photo", 20_000);
    expect(annaPhoto.kind === "photo" && annaPhoto.bytes.subarray(1, 4).toString()).toBe("PNG");
    // different prompts, different pictures
    expect(
      annaPhoto.kind === "photo" && bobPhoto.kind === "photo" && annaPhoto.bytes.equals(bobPhoto.bytes),
    ).toBe(false);

    // the bot's queue message came first, in each user's language
    expect(anna.record.texts().some((t) => /Запрос принят/.test(t))).toBe(true);
    expect(bob.record.texts().some((t) => /Request accepted/.test(t))).toBe(true);
    // a button to make it again, keyed by the job
    const keyboard = anna.record.keyboards().at(-1);
    expect(JSON.stringify(keyboard)).toContain(`again:tg-${anna.chatId}-${a.message.message_id}`);

    // exactly one photo each, and the users' ids were counted as active
    await new Promise((r) => setTimeout(r, 500));
    expect(anna.record.photos()).toHaveLength(1);
    expect(bob.record.photos()).toHaveLength(1);
    expect(await redis.zscore(`${keyPrefix}:active-users`, String(anna.id))).not.toBeNull();
    expect(b.message.message_id).toBeGreaterThan(0);
  });

  it("makes the image again when the button under it is pressed", async () => {
    const user = tg.user(910_003, { languageCode: "en" });
    user.sendText("a red bicycle");
    const first = await user.waitFor((e) => e.kind === "photo", 20_000);
    if (first.kind !== "photo") throw new Error("expected a photo");
    const again = JSON.stringify(user.record.keyboards().at(-1)).match(/again:[\w-]+/)?.[0];
    expect(again).toBeDefined();
    user.pressButton(first.message.message_id, again as string);
    await user.waitFor(
      (e) => e.kind === "photo" && e.message.message_id !== first.message.message_id,
      20_000,
    );
    expect(user.record.photos()).toHaveLength(2);
  });
});
