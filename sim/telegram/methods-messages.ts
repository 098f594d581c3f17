import { z } from "zod";
import { badRequest } from "./api-error.js";
import type { MethodHandler } from "./dispatch.js";
import { bool, chatId, int, parseModeSchema, parseParams, sendCommon } from "./method-params.js";
import { postMessage, replyTarget, targetChat } from "./outgoing.js";

const textSchema = z
  .string({ error: "Bad Request: message text is empty" })
  .refine((t) => t.trim().length > 0, "Bad Request: message text is empty")
  .refine((t) => t.length <= 4096, "Bad Request: message is too long");

const sendMessageSchema = z.object({ ...sendCommon, text: textSchema, parse_mode: parseModeSchema });

const chatActions = [
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
] as const;

const sendChatActionSchema = z.object({
  chat_id: chatId,
  action: z.enum(chatActions, { error: "Bad Request: wrong parameter action in request" }),
});

const deleteMessageSchema = z.object({
  chat_id: chatId,
  message_id: int("message identifier is not specified"),
});

const answerCallbackQuerySchema = z.object({
  callback_query_id: z.preprocess(
    (v) => (typeof v === "number" ? String(v) : v),
    z.string({ error: "Bad Request: query_id is empty" }),
  ),
  text: z.string().max(200, "Bad Request: MESSAGE_TOO_LONG").optional(),
  show_alert: bool(),
  url: z.string().optional(),
  cache_time: int().optional(),
});

export const messageMethods: Record<string, MethodHandler> = {
  sendMessage: (core, params) => {
    const p = parseParams(sendMessageSchema, params.fields);
    const chat = targetChat(core, p.chat_id);
    const replyTo = replyTarget(chat, p);
    core.spend(chat);
    const message = postMessage(core, chat, p, replyTo, { text: p.text });
    chat.record.add({
      kind: "text",
      message,
      text: p.text,
      ...(p.reply_markup ? { replyMarkup: p.reply_markup } : {}),
      ...(p.parse_mode ? { parseMode: p.parse_mode } : {}),
    });
    return message;
  },

  sendChatAction: (core, params) => {
    const p = parseParams(sendChatActionSchema, params.fields);
    const chat = targetChat(core, p.chat_id);
    chat.record.add({ kind: "action", action: p.action });
    return true;
  },

  deleteMessage: (core, params) => {
    const p = parseParams(deleteMessageSchema, params.fields);
    const chat = targetChat(core, p.chat_id);
    if (!chat.messages.delete(p.message_id)) throw badRequest("message to delete not found");
    chat.record.add({ kind: "delete", messageId: p.message_id });
    return true;
  },

  answerCallbackQuery: (core, params) => {
    const p = parseParams(answerCallbackQuerySchema, params.fields);
    const chatIdOfQuery = core.openCallbacks.get(p.callback_query_id);
    if (chatIdOfQuery === undefined) {
      throw badRequest("query is too old and response timeout expired or query ID is invalid");
    }
    core.openCallbacks.delete(p.callback_query_id);
    core.chats.record(chatIdOfQuery).add({
      kind: "callback-answer",
      callbackQueryId: p.callback_query_id,
      showAlert: p.show_alert ?? false,
      ...(p.text !== undefined ? { text: p.text } : {}),
    });
    return true;
  },
};
