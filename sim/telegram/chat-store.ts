import { apiErrors } from "./api-error.js";
import { ChatRecord } from "./chat-record.js";
import type { Chat, Message, User } from "./types.js";

/** One chat as the emulator knows it: Telegram's Chat, its message ids, the messages still in it. */
export class ChatState {
  private lastMessageId = 0;
  readonly messages = new Map<number, Message>();
  /** the user blocked the bot: sends answer 403 */
  blocked = false;

  constructor(
    readonly chat: Chat,
    readonly record: ChatRecord,
    readonly user?: User,
  ) {}

  get id(): number {
    return this.chat.id;
  }

  /** Message ids increase per chat, shared by both sides, as in Telegram private chats. */
  nextMessageId(): number {
    this.lastMessageId += 1;
    return this.lastMessageId;
  }
}

/**
 * Chats the bot can talk to. Like Telegram, a chat exists only once a user has written to the bot
 * (or a test registered it); sending anywhere else is "chat not found" unless `openChats` is set.
 */
export class ChatStore {
  private readonly chats = new Map<number, ChatState>();
  private readonly records = new Map<number, ChatRecord>();
  private seq = 0;

  constructor(private readonly openChats = false) {}

  get size(): number {
    return this.chats.size;
  }

  /** The private chat with `user`, created on first use. */
  privateChat(user: User): ChatState {
    const existing = this.chats.get(user.id);
    if (existing) return existing;
    const chat: Chat = { id: user.id, type: "private", first_name: user.first_name };
    if (user.username) chat.username = user.username;
    if (user.last_name) chat.last_name = user.last_name;
    const state = new ChatState(chat, this.record(user.id), user);
    this.chats.set(user.id, state);
    return state;
  }

  get(id: number): ChatState | undefined {
    return this.chats.get(id);
  }

  /** The record of what the bot did in chat `id`; exists before the chat does, so tests can wait early. */
  record(id: number): ChatRecord {
    let record = this.records.get(id);
    if (!record) {
      record = new ChatRecord(id, () => ++this.seq);
      this.records.set(id, record);
    }
    return record;
  }

  /** Resolves a chat_id parameter (an id or "@username") or throws Telegram's "chat not found". */
  resolve(chatId: number | string): ChatState {
    if (typeof chatId === "string") {
      const name = chatId.replace(/^@/, "").toLowerCase();
      for (const state of this.chats.values()) if (state.chat.username?.toLowerCase() === name) return state;
      throw apiErrors.chatNotFound();
    }
    const state = this.chats.get(chatId);
    if (state) return state;
    if (!this.openChats) throw apiErrors.chatNotFound();
    if (chatId > 0) return this.privateChat({ id: chatId, is_bot: false, first_name: `User ${chatId}` });
    const group = new ChatState({ id: chatId, type: "group", title: `Group ${chatId}` }, this.record(chatId));
    this.chats.set(chatId, group);
    return group;
  }
}
