import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callBotApi, callOk } from "./api-client.js";
import { startTelegramEmulator, type TelegramEmulator } from "./emulator.js";
import type { Update } from "./types.js";

type Received = { update: Update; secret: string | undefined };
type Answer = (update: Update, res: ServerResponse) => void;

/** A bot's webhook endpoint: records each delivery and answers as `answer` says. */
async function startHook(answer: Answer): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const update = JSON.parse(Buffer.concat(chunks).toString()) as Update;
      const secret = req.headers["x-telegram-bot-api-secret-token"];
      received.push({ update, secret: typeof secret === "string" ? secret : undefined });
      answer(update, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server };
}

let tg: TelegramEmulator;
let hook: Server | undefined;

beforeEach(async () => {
  tg = await startTelegramEmulator({ webhookRetry: { initialMs: 20, maxMs: 100 } });
});
afterEach(async () => {
  await tg.close();
  hook?.close();
  hook?.closeAllConnections();
  hook = undefined;
});

describe("webhook", () => {
  it("posts each update in order with the secret token header, and confirms it on 2xx", async () => {
    const { url, received, server } = await startHook((_u, res) => res.end());
    hook = server;
    const set = await callBotApi(tg.apiRoot, tg.token, "setWebhook", { url, secret_token: "s3cr3t_-X" });
    expect(set.body).toEqual({ ok: true, result: true, description: "Webhook was set" });

    const user = tg.user(11);
    for (const text of ["1", "2", "3"]) user.sendText(text);
    await expect.poll(() => received.length).toBe(3);
    expect(received.map((r) => r.update.message?.text)).toEqual(["1", "2", "3"]);
    expect(received.every((r) => r.secret === "s3cr3t_-X")).toBe(true);
    await expect.poll(() => tg.webhookInfo().pending_update_count).toBe(0);
    expect(tg.webhookInfo().url).toBe(url);
  });

  it("delivers over several connections at once, keeping each chat's updates in order", async () => {
    let open = 0;
    let most = 0;
    const { url, received, server } = await startHook((_u, res) => {
      open += 1;
      most = Math.max(most, open);
      setTimeout(() => {
        open -= 1;
        res.end();
      }, 30);
    });
    hook = server;
    await callOk(tg.apiRoot, tg.token, "setWebhook", { url, max_connections: 4 });
    const users = [21, 22, 23, 24, 25, 26].map((id) => tg.user(id));
    for (const i of [1, 2, 3]) for (const u of users) u.sendText(`${u.id}-${i}`);
    await expect.poll(() => received.length, { timeout: 5000 }).toBe(18);
    // several at once, never more than max_connections
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
    for (const u of users) {
      const texts = received
        .filter((r) => r.update.message?.chat.id === u.chatId)
        .map((r) => r.update.message?.text);
      expect(texts).toEqual([`${u.id}-1`, `${u.id}-2`, `${u.id}-3`]);
    }
    await expect.poll(() => tg.webhookInfo().pending_update_count).toBe(0);
  });

  it("retries the same update after a 500 and records the error in getWebhookInfo", async () => {
    let failures = 2;
    const { url, received, server } = await startHook((_u, res) => {
      res.statusCode = failures-- > 0 ? 500 : 200;
      res.end();
    });
    hook = server;
    await callOk(tg.apiRoot, tg.token, "setWebhook", { url });
    const update = tg.user(12).sendText("again");
    await expect.poll(() => received.length).toBe(3);
    expect(received.map((r) => r.update.update_id)).toEqual([
      update.update_id,
      update.update_id,
      update.update_id,
    ]);
    const info = await callOk<Record<string, unknown>>(tg.apiRoot, tg.token, "getWebhookInfo");
    expect(info).toMatchObject({
      url,
      pending_update_count: 0,
      last_error_message: "Wrong response from the webhook: 500 Internal Server Error",
    });
    expect(info.last_error_date).toEqual(expect.any(Number));
    expect(tg.stats().webhookFailures).toBe(2);
  });

  it("keeps retrying while the endpoint is unreachable, and stops after deleteWebhook", async () => {
    await callOk(tg.apiRoot, tg.token, "setWebhook", { url: "http://127.0.0.1:9/unreachable" });
    tg.user(13).sendText("lost?");
    await expect.poll(() => tg.webhookInfo().last_error_message).toBeDefined();
    expect(tg.webhookInfo().pending_update_count).toBe(1);
    await callOk(tg.apiRoot, tg.token, "deleteWebhook");
    // the update waits for getUpdates now
    const updates = await callOk<Update[]>(tg.apiRoot, tg.token, "getUpdates");
    expect(updates.map((u) => u.message?.text)).toEqual(["lost?"]);
  });

  it("carries out a method the bot puts in its webhook answer (telegraf's webhookReply)", async () => {
    const { url, server } = await startHook((update, res) => {
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({ method: "sendChatAction", chat_id: update.message?.chat.id, action: "typing" }),
      );
    });
    hook = server;
    await callOk(tg.apiRoot, tg.token, "setWebhook", { url });
    const user = tg.user(14);
    user.sendText("hi");
    expect(await user.waitFor((e) => e.kind === "action")).toMatchObject({ action: "typing" });
  });

  it("ends a waiting long poll with 409 when a webhook is set", async () => {
    const poll = callBotApi(tg.apiRoot, tg.token, "getUpdates", { timeout: 5 });
    await new Promise((r) => setTimeout(r, 100));
    await callOk(tg.apiRoot, tg.token, "setWebhook", { url: "http://127.0.0.1:9/x" });
    expect((await poll).body).toEqual({
      ok: false,
      error_code: 409,
      description: "Conflict: terminated by setWebhook request",
    });
  });

  it("rejects a secret token with characters Telegram doesn't allow, and drops pending updates on request", async () => {
    const bad = await callBotApi(tg.apiRoot, tg.token, "setWebhook", {
      url: "http://127.0.0.1:9/x",
      secret_token: "no spaces",
    });
    expect(bad.body).toEqual({
      ok: false,
      error_code: 400,
      description: "Bad Request: secret token contains unallowed characters",
    });
    tg.user(15).sendText("old");
    await callOk(tg.apiRoot, tg.token, "setWebhook", {
      url: "http://127.0.0.1:9/x",
      drop_pending_updates: true,
    });
    expect(tg.webhookInfo().pending_update_count).toBe(0);
  });
});
