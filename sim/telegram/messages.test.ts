import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callBotApi, callOk } from "./api-client.js";
import { startTelegramEmulator, type TelegramEmulator } from "./emulator.js";
import type { Message } from "./types.js";

let tg: TelegramEmulator;
const call = (method: string, params: Record<string, unknown> = {}) =>
  callBotApi<Message>(tg.apiRoot, tg.token, method, params);

beforeEach(async () => {
  tg = await startTelegramEmulator({ limits: { enabled: false } });
});
afterEach(async () => {
  await tg.close();
});

describe("sending and editing", () => {
  it("sends a message with per-chat increasing message ids and records text and keyboard", async () => {
    const user = tg.user(21, { firstName: "Ann", languageCode: "de" });
    const incoming = user.sendText("draw a cat");
    const keyboard = { inline_keyboard: [[{ text: "Again", callback_data: "again:1" }]] };
    const sent = await callOk<Message>(tg.apiRoot, tg.token, "sendMessage", {
      chat_id: 21,
      text: "<b>ok</b>",
      parse_mode: "HTML",
      reply_markup: keyboard,
      reply_parameters: { message_id: incoming.message.message_id },
    });
    expect(sent).toMatchObject({
      message_id: incoming.message.message_id + 1,
      chat: { id: 21, type: "private", first_name: "Ann" },
      from: { id: tg.botInfo.id, is_bot: true },
      text: "<b>ok</b>",
      reply_markup: keyboard,
      reply_to_message: { message_id: incoming.message.message_id },
    });
    expect(tg.user(99).chatId).toBe(99);
    expect(user.record.texts()).toEqual(["<b>ok</b>"]);
    expect(user.record.keyboards()).toEqual([keyboard.inline_keyboard]);
  });

  it("accepts GET with a query string and x-www-form-urlencoded bodies", async () => {
    tg.user(22);
    const viaGet = await fetch(`${tg.apiRoot}/bot${tg.token}/sendMessage?chat_id=22&text=get`);
    expect(await viaGet.json()).toMatchObject({ ok: true, result: { text: "get" } });
    const viaForm = await fetch(`${tg.apiRoot}/bot${tg.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "chat_id=22&text=form",
    });
    expect(await viaForm.json()).toMatchObject({ ok: true, result: { text: "form" } });
  });

  it("edits text and keyboard, refuses a no-op edit, deletes, and records it all", async () => {
    const user = tg.user(23);
    const sent = await callOk<Message>(tg.apiRoot, tg.token, "sendMessage", { chat_id: 23, text: "queued" });
    const edited = await call("editMessageText", { chat_id: 23, message_id: sent.message_id, text: "done" });
    expect(edited.body).toMatchObject({ ok: true, result: { text: "done", edit_date: expect.any(Number) } });
    const same = await call("editMessageText", { chat_id: 23, message_id: sent.message_id, text: "done" });
    expect(same.body).toMatchObject({ ok: false, error_code: 400 });
    expect(same.body.ok === false && same.body.description).toMatch(/^Bad Request: message is not modified/);
    const markup = { inline_keyboard: [[{ text: "x", callback_data: "x" }]] };
    await callOk(tg.apiRoot, tg.token, "editMessageReplyMarkup", {
      chat_id: 23,
      message_id: sent.message_id,
      reply_markup: markup,
    });
    await callOk(tg.apiRoot, tg.token, "deleteMessage", { chat_id: 23, message_id: sent.message_id });
    const gone = await call("deleteMessage", { chat_id: 23, message_id: sent.message_id });
    expect(gone.body).toEqual({
      ok: false,
      error_code: 400,
      description: "Bad Request: message to delete not found",
    });
    expect(user.record.events.map((e) => e.kind)).toEqual(["text", "edit", "edit", "delete"]);
    expect(user.record.edits().map((e) => e.field)).toEqual(["text", "reply_markup"]);
    expect(user.record.deletions()).toEqual([sent.message_id]);
  });

  it("records chat actions and callback answers for a pressed button", async () => {
    const user = tg.user(24);
    const sent = await callOk<Message>(tg.apiRoot, tg.token, "sendMessage", {
      chat_id: 24,
      text: "pick",
      reply_markup: { inline_keyboard: [[{ text: "Go", callback_data: "go" }]] },
    });
    await callOk(tg.apiRoot, tg.token, "sendChatAction", { chat_id: 24, action: "upload_photo" });
    const press = user.pressButton(sent.message_id, "go");
    expect(press.callback_query).toMatchObject({
      data: "go",
      from: { id: 24 },
      message: { message_id: sent.message_id },
    });
    await callOk(tg.apiRoot, tg.token, "answerCallbackQuery", {
      callback_query_id: press.callback_query.id,
      text: "ok",
    });
    const twice = await call("answerCallbackQuery", { callback_query_id: press.callback_query.id });
    expect(twice.body).toMatchObject({
      description: "Bad Request: query is too old and response timeout expired or query ID is invalid",
    });
    expect(user.record.actions()).toEqual(["upload_photo"]);
    expect(user.record.callbackAnswers()).toMatchObject([{ text: "ok", showAlert: false }]);
    expect(() => user.pressButton(sent.message_id, "nope")).toThrow(/no button/);
  });
});

describe("errors, worded as Telegram words them", () => {
  it.each([
    // a malformed token (by default any `<digits>:<chars>` token is accepted)
    {
      name: "bad token",
      token: "not-a-token",
      method: "getMe",
      params: {},
      status: 401,
      description: "Unauthorized",
    },
    // an unknown method
    { name: "unknown method", method: "sendHologram", params: {}, status: 404, description: "Not Found" },
    // no chat with this id has talked to the bot
    {
      name: "unknown chat",
      method: "sendMessage",
      params: { chat_id: 404, text: "hi" },
      status: 400,
      description: "Bad Request: chat not found",
    },
    // chat_id missing
    {
      name: "no chat_id",
      method: "sendMessage",
      params: { text: "hi" },
      status: 400,
      description: "Bad Request: chat_id is empty",
    },
    // text missing or blank
    {
      name: "empty text",
      method: "sendMessage",
      params: { chat_id: 31, text: "  " },
      status: 400,
      description: "Bad Request: message text is empty",
    },
    // longer than 4096 characters
    {
      name: "long text",
      method: "sendMessage",
      params: { chat_id: 31, text: "x".repeat(4097) },
      status: 400,
      description: "Bad Request: message is too long",
    },
    // a reply to a message that doesn't exist
    {
      name: "missing reply target",
      method: "sendMessage",
      params: { chat_id: 31, text: "hi", reply_to_message_id: 999 },
      status: 400,
      description: "Bad Request: message to be replied not found",
    },
    // callback_data over 64 bytes
    {
      name: "long callback data",
      method: "sendMessage",
      params: {
        chat_id: 31,
        text: "hi",
        reply_markup: { inline_keyboard: [[{ text: "a", callback_data: "d".repeat(65) }]] },
      },
      status: 400,
      description: "Bad Request: BUTTON_DATA_INVALID",
    },
    // an action Telegram doesn't know
    {
      name: "bad action",
      method: "sendChatAction",
      params: { chat_id: 31, action: "dancing" },
      status: 400,
      description: "Bad Request: wrong parameter action in request",
    },
    // editing a message that isn't there
    {
      name: "edit missing",
      method: "editMessageText",
      params: { chat_id: 31, message_id: 999, text: "x" },
      status: 400,
      description: "Bad Request: message to edit not found",
    },
  ])("$name → $status $description", async ({ token, method, params, status, description }) => {
    tg.user(31);
    const res = await callBotApi(tg.apiRoot, token ?? tg.token, method, params);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ ok: false, error_code: status, description });
  });

  it("answers 403 when the user blocked the bot, until the user writes again", async () => {
    const user = tg.user(32);
    user.blockBot();
    const res = await call("sendMessage", { chat_id: 32, text: "hi" });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      ok: false,
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    });
    user.sendCommand("/start");
    expect((await call("sendMessage", { chat_id: 32, text: "hi" })).status).toBe(200);
  });

  it("accepts only the configured tokens when given a set", async () => {
    const strict = await startTelegramEmulator({ token: ["111:aaa", "222:bbb"] });
    try {
      expect((await callBotApi(strict.apiRoot, "222:bbb", "getMe")).body).toMatchObject({
        ok: true,
        result: { id: 111 },
      });
      expect((await callBotApi(strict.apiRoot, "333:ccc", "getMe")).status).toBe(401);
    } finally {
      await strict.close();
    }
  });

  it("lets the bot edit only its own messages", async () => {
    const user = tg.user(33);
    const mine = user.sendText("user text");
    const res = await call("editMessageText", {
      chat_id: 33,
      message_id: mine.message.message_id,
      text: "x",
    });
    expect(res.body).toMatchObject({ description: "Bad Request: message can't be edited" });
  });
});
