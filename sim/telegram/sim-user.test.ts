import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callOk } from "./api-client.js";
import { startTelegramEmulator, type TelegramEmulator } from "./emulator.js";
import { commandEntities } from "./sim-user.js";
import type { Update } from "./types.js";

let tg: TelegramEmulator;

beforeEach(async () => {
  tg = await startTelegramEmulator({ limits: { enabled: false } });
});
afterEach(async () => {
  await tg.close();
});

describe("simulated users", () => {
  it.each([
    // a bare command
    { text: "/start", entities: [{ type: "bot_command", offset: 0, length: 6 }] },
    // a command addressed to the bot, with arguments
    { text: "/draw@imagebot_sim_bot a cat", entities: [{ type: "bot_command", offset: 0, length: 22 }] },
    // plain text has no command entity
    { text: "draw /start", entities: undefined },
  ])("marks commands like the Telegram client: $text", ({ text, entities }) => {
    expect(commandEntities(text)).toEqual(entities);
  });

  it("gives a user's message the user's profile and a private chat", () => {
    const update = tg
      .user(71, { firstName: "Olga", languageCode: "uk", username: "olga" })
      .sendCommand("draw", "a fox");
    expect(update.message).toMatchObject({
      text: "/draw a fox",
      from: { id: 71, is_bot: false, first_name: "Olga", language_code: "uk", username: "olga" },
      chat: { id: 71, type: "private", username: "olga" },
    });
  });

  it("waitFor sees past and future events; waitForNext only future ones", async () => {
    tg.user(72);
    await callOk(tg.apiRoot, tg.token, "sendMessage", { chat_id: 72, text: "first" });
    expect(await tg.waitFor(72, (e) => e.kind === "text")).toMatchObject({ text: "first" });
    const next = tg.waitForNext(72, (e) => e.kind === "text", 2000);
    setTimeout(() => void callOk(tg.apiRoot, tg.token, "sendMessage", { chat_id: 72, text: "second" }), 50);
    expect(await next).toMatchObject({ text: "second" });
    await expect(tg.waitForNext(72, () => true, 100)).rejects.toThrow(/no matching event within 100 ms/);
  });

  it("pushUpdates queues many messages from a pool of users, for benches", async () => {
    const updates = tg.pushUpdates(1000, { users: 10 });
    expect(new Set(updates.map((u) => u.message.from?.id)).size).toBe(10);
    const batch = await callOk<Update[]>(tg.apiRoot, tg.token, "getUpdates", { limit: 100 });
    expect(batch).toHaveLength(100);
    const last = batch.at(-1)?.update_id ?? 0;
    await callOk(tg.apiRoot, tg.token, "getUpdates", { offset: last + 1, limit: 1 });
    expect(tg.stats()).toMatchObject({ updatesCreated: 1000, updatesConfirmed: 100, updatesPending: 900 });
  });
});
