import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callBotApi, callOk } from "./api-client.js";
import { startTelegramEmulator, type TelegramEmulator } from "./emulator.js";
import type { Update } from "./types.js";

let tg: TelegramEmulator;
const get = (params: Record<string, unknown>) => callOk<Update[]>(tg.apiRoot, tg.token, "getUpdates", params);

beforeEach(async () => {
  tg = await startTelegramEmulator();
});
afterEach(async () => {
  await tg.close();
});

describe("getUpdates", () => {
  it("returns queued updates until an offset above them confirms them", async () => {
    const alice = tg.user(1);
    const first = alice.sendText("one");
    alice.sendText("two");

    const all = await get({});
    expect(all.map((u) => u.message?.text)).toEqual(["one", "two"]);
    // without an offset nothing is confirmed
    expect(await get({})).toHaveLength(2);
    // offset = last id + 1 confirms both
    expect(await get({ offset: first.update_id + 1 })).toHaveLength(1);
    expect(await get({ offset: first.update_id + 2 })).toEqual([]);
    expect(tg.stats().updatesConfirmed).toBe(2);
  });

  it("honours limit and a negative offset (keep only the last N)", async () => {
    for (const text of ["a", "b", "c", "d"]) tg.user(1).sendText(text);
    expect((await get({ limit: 2 })).map((u) => u.message?.text)).toEqual(["a", "b"]);
    expect((await get({ offset: -1 })).map((u) => u.message?.text)).toEqual(["d"]);
  });

  it("long-polls: answers as soon as an update arrives within the timeout", async () => {
    const started = Date.now();
    const pending = get({ timeout: 5 });
    setTimeout(() => tg.user(7).sendText("hello"), 150);
    const updates = await pending;
    expect(updates.map((u) => u.message?.text)).toEqual(["hello"]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("long-polls: answers an empty list when the timeout passes", async () => {
    const started = Date.now();
    expect(await get({ timeout: 1 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("ends the waiting poller with 409 when another getUpdates arrives", async () => {
    const first = callBotApi(tg.apiRoot, tg.token, "getUpdates", { timeout: 5 });
    await new Promise((r) => setTimeout(r, 100));
    const second = callBotApi(tg.apiRoot, tg.token, "getUpdates", { timeout: 1 });
    const firstAnswer = await first;
    expect(firstAnswer.status).toBe(409);
    expect(firstAnswer.body).toEqual({
      ok: false,
      error_code: 409,
      description:
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    });
    expect((await second).body).toEqual({ ok: true, result: [] });
  });

  it("refuses getUpdates with 409 while a webhook is set", async () => {
    await callOk(tg.apiRoot, tg.token, "setWebhook", { url: "http://127.0.0.1:9/hook" });
    const { status, body } = await callBotApi(tg.apiRoot, tg.token, "getUpdates", {});
    expect(status).toBe(409);
    expect(body).toMatchObject({
      ok: false,
      description:
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    });
  });

  it("stores only allowed update types once allowed_updates is set", async () => {
    const user = tg.user(3);
    const sent = await callOk<{ message_id: number }>(tg.apiRoot, tg.token, "sendMessage", {
      chat_id: 3,
      text: "pick",
      reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "a" }]] },
    });
    await get({ allowed_updates: ["callback_query"] });
    user.sendText("ignored");
    user.pressButton(sent.message_id, "a");
    const updates = await get({});
    expect(updates.map((u) => Object.keys(u)[1])).toEqual(["callback_query"]);
  });

  it("answers a pending long poll when the emulator closes", async () => {
    const pending = get({ timeout: 30 });
    await new Promise((r) => setTimeout(r, 50));
    await tg.close();
    expect(await pending).toEqual([]);
    tg = await startTelegramEmulator();
  });
});
