import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callBotApi } from "./api-client.js";
import { startTelegramEmulator, type TelegramEmulator } from "./emulator.js";

let tg: TelegramEmulator;
const send = (chatId = 61) => callBotApi(tg.apiRoot, tg.token, "sendMessage", { chat_id: chatId, text: "x" });

beforeEach(async () => {
  tg = await startTelegramEmulator({ limits: { enabled: false } });
  tg.user(61);
  tg.user(62);
});
afterEach(async () => {
  await tg.close();
});

describe("fault injection", () => {
  it("answers the next N calls of a method with 429 and the given retry_after, then recovers", async () => {
    tg.faults.tooManyRequests(2, 7, { method: "sendMessage" });
    const answers = [await send(), await send(), await send()];
    expect(answers.map((a) => a.status)).toEqual([429, 429, 200]);
    expect(answers[0]?.body).toEqual({
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 7",
      parameters: { retry_after: 7 },
    });
    // the refused calls did nothing
    expect(tg.chat(61).texts()).toHaveLength(1);
  });

  it("injects 5xx, 403 and generic errors, and can aim at one chat", async () => {
    tg.faults.serverError(1, { status: 502 });
    expect((await send()).body).toEqual({ ok: false, error_code: 502, description: "Bad Gateway" });
    tg.faults.blocked(1, { chatId: 62 });
    expect((await send(61)).status).toBe(200);
    expect((await send(62)).body).toEqual({
      ok: false,
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    });
    tg.faults.inject({ fault: { kind: "error", code: 400, description: "Bad Request: custom" } });
    expect((await send()).body).toEqual({ ok: false, error_code: 400, description: "Bad Request: custom" });
    expect(tg.faults.pending()).toBe(0);
  });

  it("slows a reply by the given delay, then carries the call out", async () => {
    tg.faults.slow(1, 300, { method: "sendMessage" });
    const started = Date.now();
    expect((await send()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("drops the connection without an answer", async () => {
    tg.faults.inject({ method: "sendMessage", fault: { kind: "drop-connection" } });
    await expect(send()).rejects.toThrow();
    expect((await send()).status).toBe(200);
  });

  it("leaves getUpdates alone under a blanket fault unless it is named", async () => {
    tg.faults.serverError(1);
    expect((await callBotApi(tg.apiRoot, tg.token, "getUpdates")).status).toBe(200);
    tg.faults.clear();
    tg.faults.serverError(1, { method: "getUpdates" });
    expect((await callBotApi(tg.apiRoot, tg.token, "getUpdates")).status).toBe(500);
  });
});

describe("control API over HTTP (/__sim)", () => {
  const control = (path: string, method: string, body?: unknown) =>
    fetch(`${tg.controlUrl}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("arms faults and blocks chats for other processes", async () => {
    const armed = await control("/faults", "POST", {
      method: "sendMessage",
      times: 1,
      fault: { kind: "too-many-requests", retryAfter: 3 },
    });
    expect(armed.status).toBe(204);
    expect((await send()).body).toMatchObject({ parameters: { retry_after: 3 } });
    expect((await control("/chats/61/block", "POST")).status).toBe(204);
    expect((await send()).status).toBe(403);
    await control("/chats/61/block", "DELETE");
    expect((await send()).status).toBe(200);
    expect((await control("/faults", "POST", { fault: { kind: "nonsense" } })).status).toBe(400);
  });

  it("acts as users and reports what the bot sent", async () => {
    const created = await control("/users/63/messages", "POST", { text: "/start", languageCode: "ru" });
    const update = (await created.json()) as {
      message: { entities: unknown[]; from: { language_code: string } };
    };
    expect(update.message).toMatchObject({
      entities: [{ type: "bot_command", offset: 0, length: 6 }],
      from: { language_code: "ru" },
    });
    await send(63);
    const events = (await (await control("/chats/63", "GET")).json()) as { kind: string; text: string }[];
    expect(events).toMatchObject([{ kind: "text", text: "x" }]);
    const pushed = await control("/push-updates", "POST", { n: 50, users: 5 });
    expect(await pushed.json()).toEqual({ created: 50 });
    const stats = (await (await control("/stats", "GET")).json()) as { updatesPending: number };
    expect(stats.updatesPending).toBe(51);
    const limits = await control("/limits", "PUT", { enabled: true, perChat: { perSecond: 2, burst: 1 } });
    expect(await limits.json()).toMatchObject({ enabled: true, perChat: { perSecond: 2, burst: 1 } });
  });
});
