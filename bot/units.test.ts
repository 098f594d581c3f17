import { describe, expect, it } from "vitest";
import { ConfigError } from "../common/config.js";
import { againButton, jobIdFor } from "../common/job.js";
import { redisKeys } from "../common/redis-keys.js";
import { ChatPacer } from "./chat-pacer.js";
import { parseBotConfig } from "./config.js";
import { againJobId } from "./handlers/again.js";
import { langFromCode, messages } from "./i18n.js";
import { botKeys } from "./keys.js";
import { checkPrompt } from "./prompt.js";
import { estimateWaitSeconds } from "./wait-estimate.js";

describe("checkPrompt", () => {
  it.each([
    // [comment, input, expected]
    ["plain text passes, trimmed", "  a red fox ", { ok: true, prompt: "a red fox" }],
    ["missing text is empty", undefined, { ok: false, problem: "empty" }],
    ["spaces only are empty", "   ", { ok: false, problem: "empty" }],
    [
      "controls and zero-width characters only are empty",
      "\u0001\u200b\u0007\n",
      { ok: false, problem: "empty" },
    ],
    ["controls inside become spaces", "cat\u0000in\u0007space", { ok: true, prompt: "cat in space" }],
    ["1000 characters are allowed", "a".repeat(1000), { ok: true, prompt: "a".repeat(1000) }],
    ["1001 characters are too long", "a".repeat(1001), { ok: false, problem: "too-long", length: 1001 }],
  ])("%s", (_comment, input, expected) => {
    expect(checkPrompt(input)).toEqual(expected);
  });
});

describe("i18n", () => {
  it("takes Russian for ru* language codes, English for the rest, the fallback for none", () => {
    expect(langFromCode("ru", "en")).toBe("ru");
    expect(langFromCode("ru-RU", "en")).toBe("ru");
    expect(langFromCode("de", "ru")).toBe("en");
    expect(langFromCode(undefined, "ru")).toBe("ru");
  });

  it("says the seed's rate-limit sentence, with Russian plurals and durations", () => {
    expect(messages("ru").rateLimited).toBe("⏳ Слишком много запросов. Подождите минуту.");
    expect(messages("en").rateLimited).toBe("⏳ Too many requests. Please wait a minute.");
    expect(messages("ru").retryIn(42)).toBe("Новый запрос можно отправить через 42 с.");
    expect(messages("ru").tooManyPending(3)).toMatch(/^У вас уже 3 запроса в работе/);
    expect(messages("ru").tooManyPending(5)).toMatch(/^У вас уже 5 запросов в работе/);
    expect(messages("ru").queued(2, 150)).toBe(
      "🕐 Запрос принят. Место в очереди: 2. Примерное ожидание: ~3 мин.",
    );
  });
});

describe("keys and ids", () => {
  it("default key prefix gives the names of the Redis contract", () => {
    const keys = botKeys("imagebot");
    expect(keys.activeUsers).toBe(redisKeys.activeUsers);
    expect(keys.rateLimit(7)).toBe(redisKeys.rateLimit(7));
    expect(keys.userJobs(7)).toBe(redisKeys.userJobs(7));
  });

  it("make-again callback data fits Telegram's 64 bytes and round-trips", () => {
    const longest = againJobId(-1001234567890, "9223372036854775807");
    const data = againButton.data(longest);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(againButton.jobId(data)).toBe(longest);
    expect(againButton.jobId(againButton.data(jobIdFor(5, 6)))).toBe("tg-5-6");
    expect(againButton.jobId("lang:ru")).toBeUndefined();
  });
});

describe("config", () => {
  it("requires the token and never echoes values", () => {
    expect(() => parseBotConfig({})).toThrow(ConfigError);
    try {
      parseBotConfig({ BOT_TOKEN: "not-a-token-secret-value" });
    } catch (err) {
      expect(String(err)).toContain("BOT_TOKEN");
      expect(String(err)).not.toContain("secret-value");
    }
  });

  it("needs a secret in webhook mode", () => {
    expect(() => parseBotConfig({ BOT_TOKEN: "1:a", WEBHOOK_URL: "https://bot.example/hook" })).toThrow(
      /WEBHOOK_SECRET/,
    );
    const c = parseBotConfig({ BOT_TOKEN: "1:a", WEBHOOK_URL: "https://x/h", WEBHOOK_SECRET: "s_1" });
    expect(c).toMatchObject({ QUEUE_NAME: "img_queue", KEY_PREFIX: "imagebot", RATE_LIMIT_PER_MINUTE: 10 });
  });
});

describe("ChatPacer", () => {
  it("lets a burst through, then spaces messages; drops what would wait too long", () => {
    let now = 0;
    const pacer = new ChatPacer(1, 3, () => now);
    expect([1, 2, 3].map(() => pacer.reserve(1, 0))).toEqual([0, 0, 0]);
    expect(pacer.reserve(1, 500)).toBeUndefined(); // would wait 1 s
    expect(pacer.reserve(1, 2000)).toBe(1100); // 1 s and a safety margin
    expect(pacer.reserve(2, 0)).toBe(0); // another chat has its own budget
    now += 3000;
    expect(pacer.reserve(1, 0)).toBe(0);
  });
});

describe("estimateWaitSeconds", () => {
  it("counts rounds of the jobs running now", () => {
    expect(estimateWaitSeconds(1, 0, 15_000)).toBe(15); // nobody running: one at a time
    expect(estimateWaitSeconds(10, 5, 15_000)).toBe(30); // two rounds of five
  });
});
