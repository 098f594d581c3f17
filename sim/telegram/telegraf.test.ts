import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Input, Telegraf } from "telegraf";
import { message } from "telegraf/filters";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTelegramEmulator, type TelegramEmulator } from "./emulator.js";
import { pngBytes } from "./test-fixtures.js";

let tg: TelegramEmulator;
let bot: Telegraf;

beforeEach(async () => {
  tg = await startTelegramEmulator();
  bot = new Telegraf(tg.token, { telegram: { apiRoot: tg.apiRoot } });
});
afterEach(async () => {
  await tg.close();
});

describe("a real telegraf 4.16 bot against the emulator", () => {
  it("sends a message and a photo from a buffer", async () => {
    const user = tg.user(81);
    const sent = await bot.telegram.sendMessage(81, "hello", {
      reply_markup: { inline_keyboard: [[{ text: "More", callback_data: "more" }]] },
    });
    expect(sent.text).toBe("hello");
    const photo = await bot.telegram.sendPhoto(81, Input.fromBuffer(pngBytes, "cat.png"), {
      caption: "a cat",
    });
    expect(photo.photo.at(-1)).toMatchObject({ width: 2, height: 1 });
    expect(user.record.texts()).toEqual(["hello"]);
    expect(user.record.photos()[0]?.bytes.equals(pngBytes)).toBe(true);
    expect(user.record.photos()[0]?.caption).toBe("a cat");
  });

  it("surfaces 429 as a TelegramError with retry_after", async () => {
    tg.user(82);
    tg.faults.tooManyRequests(1, 4, { method: "sendMessage" });
    await expect(bot.telegram.sendMessage(82, "x")).rejects.toMatchObject({
      code: 429,
      parameters: { retry_after: 4 },
    });
  });

  it("receives a user's text and a button press through bot.launch() long polling", async () => {
    bot.command("start", (ctx) =>
      ctx.reply("welcome", { reply_markup: { inline_keyboard: [[{ text: "Go", callback_data: "go" }]] } }),
    );
    bot.on(message("text"), (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    bot.on("callback_query", (ctx) => ctx.answerCbQuery("pressed"));
    let launched = false;
    const running = bot.launch(() => {
      launched = true;
    });
    try {
      const user = tg.user(83, { firstName: "Max" });
      user.sendCommand("/start");
      const welcome = await user.waitFor((e) => e.kind === "text" && e.text === "welcome");
      user.sendText("a red fox");
      await user.waitFor((e) => e.kind === "text" && e.text === "echo: a red fox");
      if (welcome.kind !== "text") throw new Error("unreachable");
      user.pressButton(welcome.message.message_id, "go");
      await user.waitFor((e) => e.kind === "callback-answer");
      expect(launched).toBe(true);
      expect(tg.stats().calls).toMatchObject({ getMe: 1, deleteWebhook: 1 });
    } finally {
      bot.stop("test over");
      await running;
    }
    // telegraf confirmed what it handled when it stopped
    await expect.poll(() => tg.stats().updatesPending).toBe(0);
  });

  it("receives updates on a webhook with the secret token", async () => {
    bot.on(message("text"), (ctx) => ctx.reply(`got ${ctx.message.text}`));
    const server: Server = createServer(bot.webhookCallback("/hook", { secretToken: "letmein" }));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      await bot.telegram.setWebhook(url, { secret_token: "letmein" });
      expect((await bot.telegram.getWebhookInfo()).url).toBe(url);
      const user = tg.user(84);
      user.sendText("via hook");
      await user.waitFor((e) => e.kind === "text" && e.text === "got via hook");
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});
