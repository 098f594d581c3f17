import type { InlineKeyboardButton, Message, ReplyMarkup } from "./types.js";

type EventBase = { seq: number; at: number; chatId: number };

/** One thing the bot did in a chat, in the order the emulator accepted it. */
export type ChatEvent = EventBase &
  (
    | { kind: "text"; message: Message; text: string; replyMarkup?: ReplyMarkup; parseMode?: string }
    | {
        kind: "photo";
        message: Message;
        fileId: string;
        bytes: Buffer;
        caption?: string;
        replyMarkup?: ReplyMarkup;
      }
    | {
        kind: "document";
        message: Message;
        fileId: string;
        bytes: Buffer;
        fileName?: string;
        caption?: string;
        replyMarkup?: ReplyMarkup;
      }
    | { kind: "edit"; messageId: number; field: "text" | "caption" | "reply_markup"; message: Message }
    | { kind: "delete"; messageId: number }
    | { kind: "action"; action: string }
    | { kind: "callback-answer"; callbackQueryId: string; text?: string; showAlert: boolean }
  );

export type ChatEventKind = ChatEvent["kind"];
export type EventOf<K extends ChatEventKind> = Extract<ChatEvent, { kind: K }>;
export type EventInput = ChatEvent extends infer E
  ? E extends ChatEvent
    ? Omit<E, keyof EventBase>
    : never
  : never;
export type EventPredicate = (event: ChatEvent) => boolean;

/** What the bot did in one chat, with helpers for tests: the log, the current messages, and waiting. */
export class ChatRecord {
  readonly events: ChatEvent[] = [];
  private readonly waiters = new Set<(event: ChatEvent) => void>();

  constructor(
    readonly chatId: number,
    private readonly nextSeq: () => number,
  ) {}

  add(input: EventInput): ChatEvent {
    const event = { ...input, seq: this.nextSeq(), at: Date.now(), chatId: this.chatId } as ChatEvent;
    this.events.push(event);
    for (const waiter of [...this.waiters]) waiter(event);
    return event;
  }

  ofKind<K extends ChatEventKind>(kind: K): EventOf<K>[] {
    return this.events.filter((e): e is EventOf<K> => e.kind === kind);
  }

  /** Texts of the text messages the bot sent, as first sent. */
  texts(): string[] {
    return this.ofKind("text").map((e) => e.text);
  }

  photos(): EventOf<"photo">[] {
    return this.ofKind("photo");
  }

  documents(): EventOf<"document">[] {
    return this.ofKind("document");
  }

  edits(): EventOf<"edit">[] {
    return this.ofKind("edit");
  }

  deletions(): number[] {
    return this.ofKind("delete").map((e) => e.messageId);
  }

  actions(): string[] {
    return this.ofKind("action").map((e) => e.action);
  }

  callbackAnswers(): EventOf<"callback-answer">[] {
    return this.ofKind("callback-answer");
  }

  last(): ChatEvent | undefined {
    return this.events.at(-1);
  }

  /** Inline keyboards the bot attached, newest last (from sends and edits). */
  keyboards(): InlineKeyboardButton[][][] {
    const out: InlineKeyboardButton[][][] = [];
    for (const e of this.events) {
      const markup = "message" in e ? e.message.reply_markup : undefined;
      if (markup && e.kind !== "delete") out.push(markup.inline_keyboard);
    }
    return out;
  }

  /** The first event, already recorded or still to come, that satisfies `predicate`. */
  waitFor(predicate: EventPredicate, timeoutMs = 5000): Promise<ChatEvent> {
    const seen = this.events.find(predicate);
    return seen ? Promise.resolve(seen) : this.waitForNext(predicate, timeoutMs);
  }

  /** The first event from now on that satisfies `predicate`. */
  waitForNext(predicate: EventPredicate, timeoutMs = 5000): Promise<ChatEvent> {
    return new Promise((resolve, reject) => {
      const waiter = (event: ChatEvent) => {
        if (!predicate(event)) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(event);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const kinds = this.events.map((e) => e.kind).join(", ") || "nothing";
        reject(new Error(`chat ${this.chatId}: no matching event within ${timeoutMs} ms (saw: ${kinds})`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}
