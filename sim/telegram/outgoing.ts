import { badRequest } from "./api-error.js";
import type { ChatState } from "./chat-store.js";
import type { EmulatorCore } from "./emulator-core.js";
import type { Message, ReplyMarkup, User } from "./types.js";

/** Parameters every send method shares, after parsing. */
export type SendCommon = {
  chat_id: number | string;
  reply_markup?: ReplyMarkup;
  reply_to_message_id?: number;
  reply_parameters?: { message_id: number; allow_sending_without_reply?: boolean };
  allow_sending_without_reply?: boolean;
};

export type MessageBody = Omit<Message, "message_id" | "date" | "chat" | "from">;

export function botAsUser(core: EmulatorCore): User {
  const { id, is_bot, first_name } = core.bot;
  const user: User = { id, is_bot, first_name };
  if (core.bot.username) user.username = core.bot.username;
  return user;
}

/** The chat a send goes to: it must exist and must not have blocked the bot. */
export function targetChat(core: EmulatorCore, chatId: number | string): ChatState {
  return core.writable(core.chats.resolve(chatId));
}

/** The message being replied to; a missing one is an error unless allow_sending_without_reply. */
export function replyTarget(chat: ChatState, common: SendCommon): Message | undefined {
  const id = common.reply_parameters?.message_id ?? common.reply_to_message_id;
  if (id === undefined) return undefined;
  const target = chat.messages.get(id);
  const lenient = common.reply_parameters?.allow_sending_without_reply ?? common.allow_sending_without_reply;
  if (!target && !lenient) throw badRequest("message to be replied not found");
  return target;
}

/** Only inline keyboards belong to a message; other keyboards live in the user's client. */
export function inlineMarkup(markup: ReplyMarkup | undefined): Message["reply_markup"] {
  return markup?.inline_keyboard ? { inline_keyboard: markup.inline_keyboard } : undefined;
}

/** Creates the bot's message in `chat` with the next message id and keeps it for edits and replies. */
export function postMessage(
  core: EmulatorCore,
  chat: ChatState,
  common: SendCommon,
  replyTo: Message | undefined,
  body: MessageBody,
): Message {
  const message: Message = {
    message_id: chat.nextMessageId(),
    from: botAsUser(core),
    chat: chat.chat,
    date: core.unixNow(),
    ...body,
  };
  if (replyTo) {
    const { reply_to_message: _nested, ...shallow } = replyTo;
    message.reply_to_message = shallow;
  }
  const markup = inlineMarkup(common.reply_markup);
  if (markup) message.reply_markup = markup;
  chat.messages.set(message.message_id, message);
  return message;
}
