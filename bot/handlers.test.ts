import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTelegramEmulator, type TelegramEmulator } from "../sim/telegram/index.js";
import { chatTexts, type TestBot, testBot, testConfig } from "./testing.js";

// Handler tests without Redis: the bot's Redis URL points at a port nobody listens on, so these
// also show what users read while Redis is unreachable.
let tg: TelegramEmulator;
let t: TestBot;

beforeEach(async () => {
  tg = await startTelegramEmulator();
  t = testBot(tg, testConfig(tg, { REDIS_URL: "redis://127.0.0.1:1", DEFAULT_LANG: "ru" }));
});
afterEach(async () => {
  await t.close();
  await tg.close();
});

describe("handlers without Redis", () => {
  it("greets on /start in the user's Telegram language, with the commands", async () => {
    const ru = tg.user(101, { languageCode: "ru", firstName: "Маша" });
    await t.handle(ru.sendCommand("/start"));
    expect(ru.record.texts()[0]).toMatch(/^👋 Привет, Маша!/);
    expect(ru.record.texts()[0]).toContain("/imagine");
    const en = tg.user(102, { languageCode: "en-US", firstName: "Max" });
    await t.handle(en.sendCommand("/help"));
    expect(en.record.texts()[0]).toMatch(/^What I can do:/);
    expect(en.record.texts()[0]).toContain("/cancel");
  });

  it("answers bad prompts with what is wrong, before touching the queue", async () => {
    const u = tg.user(103, { languageCode: "en" });
    await t.handle(u.sendCommand("/imagine")); // nothing after the command
    await t.handle(u.sendText(" \u0000\u200b\t ")); // whitespace, a control and a zero-width character
    await t.handle(u.sendText("x".repeat(1001))); // one over the limit
    expect(chatTexts(tg, 103)).toEqual([
      expect.stringMatching(/^✏️ The description is empty/),
      expect.stringMatching(/^✏️ The description is empty/),
      expect.stringMatching(/^✂️ The description is too long: 1001 characters, at most 1000/),
    ]);
  });

  it("tells the user the service is busy when Redis is unreachable, and keeps going", async () => {
    const u = tg.user(104, { languageCode: "ru" });
    await t.handle(u.sendText("рыжий кот"));
    await t.handle(u.sendCommand("/status"));
    await t.handle(u.sendCommand("/help"));
    const texts = chatTexts(tg, 104);
    expect(texts[0]).toBe("⚠️ Сервис сейчас перегружен. Попробуйте ещё раз через минуту.");
    expect(texts[1]).toBe("⚠️ Сервис сейчас перегружен. Попробуйте ещё раз через минуту.");
    expect(texts[2]).toMatch(/^Что я умею/);
    await expect(t.services.metrics.redisErrors.get()).resolves.toMatchObject({ values: [{ value: 2 }] });
  });

  it("points unknown commands to /help and asks for text when sent a photo", async () => {
    const u = tg.user(105, { languageCode: "en" });
    await t.handle(u.sendCommand("/frobnicate"));
    await t.handle(u.sendPhoto(Buffer.from("not really a photo")));
    expect(u.record.texts()).toEqual([
      "I don't know that command. /help lists the commands.",
      "I only understand text: write what to draw.",
    ]);
  });

  it("uses DEFAULT_LANG when Telegram sends no language code", async () => {
    const u = tg.user(106);
    delete u.info.language_code;
    await t.handle(u.sendCommand("/help"));
    expect(u.record.texts()[0]).toMatch(/^Что я умею/);
  });
});
