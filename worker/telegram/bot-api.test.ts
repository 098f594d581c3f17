import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../common/logger.js";
import { startTelegramEmulator, type TelegramEmulator } from "../../sim/telegram/index.js";
import { freePort } from "../../test/harness/free-port.js";
import type { GeneratedImage } from "../providers/image-provider.js";
import { BotApi } from "./bot-api.js";
import { sendMethodFor, TELEGRAM_PHOTO_LIMIT_BYTES } from "./send-image.js";
import { TelegramApiError, TelegramNetworkError } from "./telegram-error.js";

let tg: TelegramEmulator;
const log = createLogger("test", "silent");

beforeEach(async () => {
  tg = await startTelegramEmulator({ limits: { enabled: false } });
  tg.user(77);
});
afterEach(() => tg.close(50));

const api = (options: { maxFloodWaitMs?: number } = {}) =>
  new BotApi({ apiRoot: tg.url, token: tg.token, log, ...options });

describe("BotApi", () => {
  it("returns the result of a call", async () => {
    const sent = await api().call<{ message_id: number }>("sendMessage", { chat_id: 77, text: "hi" });
    expect(sent.message_id).toBeGreaterThan(0);
    expect(tg.chat(77).texts()).toEqual(["hi"]);
  });

  it("throws Telegram's error with its code and description", async () => {
    const failure = await api()
      .call("sendMessage", { chat_id: 404404, text: "hi" })
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(TelegramApiError);
    expect(failure).toMatchObject({
      code: 400,
      description: "Bad Request: chat not found",
      retryable: false,
    });
  });

  it("reports a blocked user as unreachable", async () => {
    tg.blockChat(77);
    await expect(api().call("sendChatAction", { chat_id: 77, action: "upload_photo" })).rejects.toMatchObject(
      {
        code: 403,
        unreachable: true,
      },
    );
  });

  it("waits out a 429's retry_after and sends once", async () => {
    tg.faults.tooManyRequests(1, 1, { method: "sendMessage" });
    const started = Date.now();
    await api().call("sendMessage", { chat_id: 77, text: "patient" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(tg.chat(77).texts()).toEqual(["patient"]);
  });

  it("gives up on flood control that asks for more than it may wait", async () => {
    tg.faults.tooManyRequests(1, 30, { method: "sendMessage" });
    await expect(
      api({ maxFloodWaitMs: 5_000 }).call("sendMessage", { chat_id: 77, text: "x" }),
    ).rejects.toMatchObject({ code: 429, retryAfterMs: 30_000, retryable: true });
  });

  it("tells a request that never left from one whose answer was lost, and keeps the token out", async () => {
    const closed = new BotApi({ apiRoot: `http://127.0.0.1:${await freePort()}`, token: tg.token, log });
    const refused = await closed.call("sendPhoto", { chat_id: 77 }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(TelegramNetworkError);
    expect(refused).toMatchObject({ delivered: "no" });
    expect(String((refused as Error).message)).not.toContain(tg.token);

    tg.faults.inject({ method: "sendMessage", fault: { kind: "drop-connection" } });
    const lost = await api()
      .call("sendMessage", { chat_id: 77, text: "x" })
      .catch((err: unknown) => err);
    expect(lost).toMatchObject({ name: "TelegramNetworkError", delivered: "unknown" });
  });
});

describe("sendMethodFor", () => {
  const image = (bytes: number): GeneratedImage => ({
    bytes: Buffer.alloc(bytes),
    mime: "image/png",
    width: 1024,
    height: 1024,
  });

  it.each([
    // an ordinary image goes as a photo
    { bytes: 500_000, fullSize: false, method: "sendPhoto" },
    // exactly at Telegram's limit is still a photo
    { bytes: TELEGRAM_PHOTO_LIMIT_BYTES, fullSize: false, method: "sendPhoto" },
    // over the limit Telegram refuses photos: a document
    { bytes: TELEGRAM_PHOTO_LIMIT_BYTES + 1, fullSize: false, method: "sendDocument" },
    // the user asked for the original file
    { bytes: 500_000, fullSize: true, method: "sendDocument" },
  ])("$bytes bytes, fullSize $fullSize → $method", ({ bytes, fullSize, method }) => {
    expect(sendMethodFor(image(bytes), fullSize)).toBe(method);
  });
});
