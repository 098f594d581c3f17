import type { ChatEvent, ChatRecord, EventPredicate } from "./chat-record.js";
import type { ChatState } from "./chat-store.js";
import type { EmulatorCore } from "./emulator-core.js";
import { photoSizes } from "./file-store.js";
import { imageSize } from "./image-size.js";
import type { CallbackQueryUpdate, Message, MessageEntity, MessageUpdate, User } from "./types.js";

export type SimUserOptions = {
  languageCode?: string;
  firstName?: string;
  lastName?: string;
  username?: string;
};

/** Bot commands at the start of a text, as the Telegram client marks them (telegraf's command() needs this). */
export function commandEntities(text: string): MessageEntity[] | undefined {
  const match = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?/.exec(text);
  return match ? [{ type: "bot_command", offset: 0, length: match[0].length }] : undefined;
}

/**
 * A Telegram user talking to the bot in a private chat. Each action creates the update Telegram
 * would create, queued for getUpdates or the webhook. Writing to the bot unblocks it, as pressing
 * "Restart" does in the app.
 */
export class SimUser {
  readonly info: User;
  private readonly state: ChatState;

  constructor(
    private readonly core: EmulatorCore,
    id: number,
    opts: SimUserOptions = {},
  ) {
    this.info = {
      id,
      is_bot: false,
      first_name: opts.firstName ?? `User ${id}`,
      language_code: opts.languageCode ?? "en",
    };
    if (opts.lastName) this.info.last_name = opts.lastName;
    if (opts.username) this.info.username = opts.username;
    this.state = core.chats.privateChat(this.info);
  }

  get id(): number {
    return this.info.id;
  }

  /** In a private chat, the chat id is the user id. */
  get chatId(): number {
    return this.state.id;
  }

  /** What the bot did in this user's chat. */
  get record(): ChatRecord {
    return this.state.record;
  }

  get blockedBot(): boolean {
    return this.state.blocked;
  }

  sendText(text: string, opts: { replyTo?: number } = {}): MessageUpdate {
    const entities = commandEntities(text);
    return this.post({ text, ...(entities ? { entities } : {}) }, opts.replyTo);
  }

  sendCommand(command: string, args?: string): MessageUpdate {
    const name = command.startsWith("/") ? command : `/${command}`;
    return this.sendText(args ? `${name} ${args}` : name);
  }

  /** Sends a photo (bytes are stored, so the bot can getFile and download it). */
  sendPhoto(bytes: Buffer, caption?: string): MessageUpdate {
    const size = imageSize(bytes);
    const file = this.core.files.add("photo", bytes, {
      width: size?.width ?? 0,
      height: size?.height ?? 0,
      mimeType: size ? `image/${size.format}` : "image/jpeg",
    });
    return this.post({ photo: photoSizes(file), ...(caption ? { caption } : {}) });
  }

  /** Presses an inline button the bot attached to `messageId`; throws when no such button is shown. */
  pressButton(messageId: number, callbackData: string): CallbackQueryUpdate {
    const message = this.state.messages.get(messageId);
    if (!message) throw new Error(`chat ${this.chatId} has no message ${messageId}`);
    const shown = message.reply_markup?.inline_keyboard.some((row) =>
      row.some((b) => b.callback_data === callbackData),
    );
    if (!shown)
      throw new Error(
        `message ${messageId} shows no button with callback_data ${JSON.stringify(callbackData)}`,
      );
    const id = this.core.nextCallbackId();
    this.core.openCallbacks.set(id, this.chatId);
    return this.core.queue.push((update_id) => ({
      update_id,
      callback_query: { id, from: this.info, message, chat_instance: `ci${this.chatId}`, data: callbackData },
    }));
  }

  /** The user blocks the bot: the bot's sends to this chat answer 403 until the user writes again. */
  blockBot(): void {
    this.state.blocked = true;
  }

  unblockBot(): void {
    this.state.blocked = false;
  }

  waitFor(predicate: EventPredicate, timeoutMs?: number): Promise<ChatEvent> {
    return this.record.waitFor(predicate, timeoutMs);
  }

  waitForNext(predicate: EventPredicate, timeoutMs?: number): Promise<ChatEvent> {
    return this.record.waitForNext(predicate, timeoutMs);
  }

  private post(body: Partial<Message>, replyTo?: number): MessageUpdate {
    this.state.blocked = false;
    const message: Message = {
      message_id: this.state.nextMessageId(),
      from: this.info,
      chat: this.state.chat,
      date: this.core.unixNow(),
      ...body,
    };
    const target = replyTo === undefined ? undefined : this.state.messages.get(replyTo);
    if (target) message.reply_to_message = target;
    this.state.messages.set(message.message_id, message);
    return this.core.queue.push((update_id) => ({ update_id, message }));
  }
}
