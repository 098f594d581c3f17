import { z } from "zod";
import { badRequest } from "./api-error.js";
import type { ChatState } from "./chat-store.js";
import type { MethodHandler } from "./dispatch.js";
import type { EmulatorCore } from "./emulator-core.js";
import { chatId, int, parseModeSchema, parseParams, replyMarkupSchema } from "./method-params.js";
import { inlineMarkup, targetChat } from "./outgoing.js";
import type { Message, ReplyMarkup } from "./types.js";

const target = {
  chat_id: chatId.optional(),
  message_id: int("message identifier is not specified").optional(),
  inline_message_id: z.string().optional(),
  reply_markup: replyMarkupSchema,
};

const editTextSchema = z.object({
  ...target,
  text: z
    .string({ error: "Bad Request: message text is empty" })
    .refine((t) => t.trim().length > 0, "Bad Request: message text is empty")
    .refine((t) => t.length <= 4096, "Bad Request: MESSAGE_TOO_LONG"),
  parse_mode: parseModeSchema,
});

const editCaptionSchema = z.object({
  ...target,
  caption: z.string().max(1024, "Bad Request: message caption is too long").optional(),
  parse_mode: parseModeSchema,
});

const editMarkupSchema = z.object(target);

type Target = { chat_id?: number | string; message_id?: number; inline_message_id?: string };
type Field = "text" | "caption" | "reply_markup";

const notModified =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

/** The bot's own message to edit: inline messages aren't emulated, and only the bot's messages can be edited. */
function findEditable(core: EmulatorCore, p: Target): { chat: ChatState; message: Message } {
  if (p.chat_id === undefined) {
    throw p.inline_message_id ? badRequest("MESSAGE_ID_INVALID") : badRequest("chat_id is empty");
  }
  if (p.message_id === undefined) throw badRequest("message identifier is not specified");
  const chat = targetChat(core, p.chat_id);
  const message = chat.messages.get(p.message_id);
  if (!message) throw badRequest("message to edit not found");
  if (message.from?.id !== core.bot.id) throw badRequest("message can't be edited");
  return { chat, message };
}

/** Applies an edit; Telegram drops the inline keyboard when an edit comes without reply_markup. */
function applyEdit(
  core: EmulatorCore,
  chat: ChatState,
  message: Message,
  field: Field,
  changes: Partial<Message>,
  markup: ReplyMarkup | undefined,
): Message {
  const edited: Message = { ...message, ...changes, edit_date: core.unixNow() };
  const inline = inlineMarkup(markup);
  if (inline) edited.reply_markup = inline;
  else delete edited.reply_markup;
  const sameContent = (Object.keys(changes) as (keyof Message)[]).every((k) => changes[k] === message[k]);
  if (sameContent && JSON.stringify(edited.reply_markup) === JSON.stringify(message.reply_markup)) {
    throw badRequest(notModified);
  }
  core.spend(chat);
  chat.messages.set(edited.message_id, edited);
  chat.record.add({ kind: "edit", messageId: edited.message_id, field, message: edited });
  return edited;
}

export const editMethods: Record<string, MethodHandler> = {
  editMessageText: (core, params) => {
    const p = parseParams(editTextSchema, params.fields);
    const { chat, message } = findEditable(core, p);
    if (message.text === undefined) throw badRequest("there is no text in the message to edit");
    return applyEdit(core, chat, message, "text", { text: p.text }, p.reply_markup);
  },

  editMessageCaption: (core, params) => {
    const p = parseParams(editCaptionSchema, params.fields);
    const { chat, message } = findEditable(core, p);
    if (!message.photo && !message.document) throw badRequest("there is no caption in the message to edit");
    return applyEdit(core, chat, message, "caption", { caption: p.caption }, p.reply_markup);
  },

  editMessageReplyMarkup: (core, params) => {
    const p = parseParams(editMarkupSchema, params.fields);
    const { chat, message } = findEditable(core, p);
    return applyEdit(core, chat, message, "reply_markup", {}, p.reply_markup);
  },
};
