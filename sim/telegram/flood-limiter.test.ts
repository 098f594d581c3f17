import { afterEach, describe, expect, it } from "vitest";
import { callBotApi } from "./api-client.js";
import { startTelegramEmulator, type TelegramEmulator } from "./emulator.js";
import { FloodLimiter } from "./flood-limiter.js";

describe("FloodLimiter", () => {
  it("allows a burst per chat, then asks to retry after whole seconds (at least 1)", () => {
    let now = 0;
    const limiter = new FloodLimiter({ perChat: { perSecond: 1, burst: 3 } }, () => now);
    expect([1, 2, 3].map(() => limiter.tryTake("a").ok)).toEqual([true, true, true]);
    expect(limiter.tryTake("a")).toEqual({ ok: false, retryAfter: 1 });
    // another chat has its own bucket
    expect(limiter.tryTake("b").ok).toBe(true);
    now = 999;
    expect(limiter.tryTake("a").ok).toBe(false);
    now = 1000;
    expect(limiter.tryTake("a").ok).toBe(true);
    expect(limiter.rejections).toBe(2);
  });

  it("rounds a long wait up to whole seconds", () => {
    const limiter = new FloodLimiter({ perChat: { perSecond: 0.25, burst: 1 } }, () => 0);
    limiter.tryTake("a");
    expect(limiter.tryTake("a")).toEqual({ ok: false, retryAfter: 4 });
  });

  it("caps all chats together with the global bucket, and spends nothing on a refusal", () => {
    let now = 0;
    const limiter = new FloodLimiter({ global: { perSecond: 2, burst: 2 } }, () => now);
    expect(limiter.tryTake("a").ok).toBe(true);
    expect(limiter.tryTake("b").ok).toBe(true);
    expect(limiter.tryTake("c")).toEqual({ ok: false, retryAfter: 1 });
    now = 500;
    // half a second refills one global token; chat c's bucket was not charged by the refusal
    expect(limiter.tryTake("c").ok).toBe(true);
  });

  it("can be turned off and changed while running", () => {
    const limiter = new FloodLimiter({ enabled: false }, () => 0);
    for (let i = 0; i < 100; i++) expect(limiter.tryTake("a").ok).toBe(true);
    limiter.setLimits({ enabled: true, perChat: { perSecond: 1, burst: 1 } });
    expect(limiter.tryTake("z").ok).toBe(true);
    expect(limiter.tryTake("z").ok).toBe(false);
  });
});

describe("flood limits over HTTP", () => {
  let tg: TelegramEmulator;
  afterEach(async () => {
    await tg.close();
  });

  it("answers 429 with retry_after once a chat's burst is spent; chat actions don't count", async () => {
    tg = await startTelegramEmulator({ limits: { perChat: { perSecond: 1, burst: 3 } } });
    tg.user(51);
    const send = () => callBotApi(tg.apiRoot, tg.token, "sendMessage", { chat_id: 51, text: "x" });
    for (let i = 0; i < 3; i++) expect((await send()).status).toBe(200);
    const action = await callBotApi(tg.apiRoot, tg.token, "sendChatAction", {
      chat_id: 51,
      action: "typing",
    });
    expect(action.status).toBe(200);
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 1",
      parameters: { retry_after: 1 },
    });
    expect(tg.chat(51).texts()).toHaveLength(3);
  });

  it("answers 429 across chats once the global rate is spent", async () => {
    tg = await startTelegramEmulator({ limits: { global: { perSecond: 5, burst: 5 } } });
    const statuses: number[] = [];
    for (let id = 1; id <= 7; id++) {
      tg.user(id);
      statuses.push(
        (await callBotApi(tg.apiRoot, tg.token, "sendMessage", { chat_id: id, text: "x" })).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(tg.stats().floodRejections).toBe(2);
  });

  it("counts edits too", async () => {
    tg = await startTelegramEmulator({ limits: { perChat: { perSecond: 1, burst: 1 } } });
    tg.user(52);
    const sent = await callBotApi<{ message_id: number }>(tg.apiRoot, tg.token, "sendMessage", {
      chat_id: 52,
      text: "a",
    });
    const id = sent.body.ok ? sent.body.result.message_id : 0;
    const edit = await callBotApi(tg.apiRoot, tg.token, "editMessageText", {
      chat_id: 52,
      message_id: id,
      text: "b",
    });
    expect(edit.status).toBe(429);
  });
});
