import type { Logger } from "../../common/logger.js";
import { apiErrors } from "./api-error.js";
import { type ChatState, ChatStore } from "./chat-store.js";
import { FaultInjector } from "./faults.js";
import { FileStore } from "./file-store.js";
import { FloodLimiter, type FloodLimitsInput } from "./flood-limiter.js";
import { LongPoll } from "./long-poll.js";
import type { BotUser } from "./types.js";
import { UpdateQueue } from "./update-queue.js";
import { WebhookDispatcher, type WebhookReplyHandler, type WebhookRetry } from "./webhook.js";

export type CoreOptions = {
  /** tokens the server accepts; undefined accepts any well-formed token */
  tokens: string[] | undefined;
  bot: BotUser;
  limits: FloodLimitsInput;
  openChats: boolean;
  validateImages: boolean;
  maxLongPollMs: number;
  webhookRetry: WebhookRetry;
  log: Logger;
  onWebhookReply: WebhookReplyHandler;
};

export type EmulatorStats = {
  updatesCreated: number;
  updatesConfirmed: number;
  updatesPending: number;
  webhookDelivered: number;
  webhookFailures: number;
  calls: Record<string, number>;
  errors: Record<string, number>;
  floodRejections: number;
  faultsInjected: number;
};

const tokenShape = /^\d+:[\w-]+$/;

/** The emulator's state, shared by the HTTP API, the control API and simulated users. */
export class EmulatorCore {
  readonly queue = new UpdateQueue();
  readonly files = new FileStore();
  readonly faults = new FaultInjector();
  readonly chats: ChatStore;
  readonly limiter: FloodLimiter;
  readonly longPoll: LongPoll;
  readonly webhook: WebhookDispatcher;
  readonly bot: BotUser;
  readonly validateImages: boolean;
  readonly log: Logger;
  private readonly calls = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  private readonly tokens: Set<string> | undefined;
  private callbackSeq = 0;
  /** callback query ids not answered yet */
  readonly openCallbacks = new Map<string, number>();

  constructor(opts: CoreOptions) {
    this.tokens = opts.tokens ? new Set(opts.tokens) : undefined;
    this.bot = opts.bot;
    this.validateImages = opts.validateImages;
    this.log = opts.log;
    this.chats = new ChatStore(opts.openChats);
    this.limiter = new FloodLimiter(opts.limits);
    this.webhook = new WebhookDispatcher(this.queue, opts.webhookRetry, opts.onWebhookReply, opts.log);
    this.longPoll = new LongPoll(this.queue, () => this.webhook.active, opts.maxLongPollMs);
  }

  acceptsToken(token: string): boolean {
    return this.tokens ? this.tokens.has(token) : tokenShape.test(token);
  }

  /** Unix time in seconds, as in every Telegram date field. */
  unixNow(): number {
    return Math.floor(Date.now() / 1000);
  }

  nextCallbackId(): string {
    this.callbackSeq += 1;
    return `${Date.now()}${this.callbackSeq}`;
  }

  /** A chat the bot may write to: throws 403 when its user blocked the bot. */
  writable(chat: ChatState): ChatState {
    if (chat.blocked) throw apiErrors.blocked();
    return chat;
  }

  /** Flood control for a sending or editing call in `chat`: throws 429 with retry_after. */
  spend(chat: ChatState): void {
    const verdict = this.limiter.tryTake(String(chat.id));
    if (!verdict.ok) throw apiErrors.tooManyRequests(verdict.retryAfter);
  }

  countCall(method: string, errorCode?: number): void {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    if (errorCode !== undefined)
      this.errors.set(String(errorCode), (this.errors.get(String(errorCode)) ?? 0) + 1);
  }

  stats(): EmulatorStats {
    return {
      updatesCreated: this.queue.created,
      updatesConfirmed: this.queue.confirmed,
      updatesPending: this.queue.pendingCount,
      webhookDelivered: this.webhook.delivered,
      webhookFailures: this.webhook.failedDeliveries,
      calls: Object.fromEntries(this.calls),
      errors: Object.fromEntries(this.errors),
      floodRejections: this.limiter.rejections,
      faultsInjected: this.faults.injected,
    };
  }
}
