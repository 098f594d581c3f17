import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger, type Logger } from "../../common/logger.js";
import type { ChatEvent, ChatRecord, EventPredicate } from "./chat-record.js";
import { controlRouter } from "./control-routes.js";
import { handleCall } from "./dispatch.js";
import { EmulatorCore, type EmulatorStats } from "./emulator-core.js";
import type { FaultInjector } from "./faults.js";
import type { FloodLimits, FloodLimitsInput } from "./flood-limiter.js";
import { createHttpApp } from "./http-app.js";
import { SimUser, type SimUserOptions } from "./sim-user.js";
import type { BotUser, MessageUpdate } from "./types.js";
import type { WebhookInfo, WebhookRetry } from "./webhook.js";

export type TelegramEmulatorOptions = {
  /** 0 (the default) picks a free port */
  port?: number;
  host?: string;
  /** tokens the API accepts; by default any well-formed token (`<digits>:<chars>`) works */
  token?: string | string[];
  /** overrides for getMe */
  bot?: Partial<BotUser>;
  limits?: FloodLimitsInput;
  /** let the bot write to chats no user has opened (Telegram says "chat not found") */
  openChats?: boolean;
  /** answer IMAGE_PROCESS_FAILED for photos that aren't PNG/JPEG/GIF/WebP, as Telegram does (default true) */
  validateImages?: boolean;
  /** upper bound on a getUpdates wait, whatever timeout the bot asks for */
  maxLongPollMs?: number;
  webhookRetry?: Partial<WebhookRetry>;
  log?: Logger;
};

export type PushUpdatesOptions = {
  /** how many distinct users send the texts (default min(n, 100)) */
  users?: number;
  firstUserId?: number;
  text?: (i: number) => string;
};

/** A running Bot API emulator: the HTTP server plus the handles tests use to act as users and inspect the bot. */
export class TelegramEmulator {
  private readonly users = new Map<number, SimUser>();

  private constructor(
    private readonly core: EmulatorCore,
    private readonly server: Server,
    /** the base URL, to be used as telegraf's `telegram.apiRoot` */
    readonly url: string,
    /** a token the API accepts */
    readonly token: string,
  ) {}

  static async start(opts: TelegramEmulatorOptions = {}): Promise<TelegramEmulator> {
    const tokens = opts.token === undefined ? undefined : [opts.token].flat();
    const token = tokens?.[0] ?? `7000000001:AAsim${randomBytes(16).toString("base64url")}`;
    const botId = Number(token.split(":")[0]) || 7000000001;
    let onReply: (method: string, params: Parameters<typeof handleCall>[3]) => Promise<void> = async () => {};
    const core = new EmulatorCore({
      tokens,
      bot: {
        id: botId,
        is_bot: true,
        first_name: "Imagebot",
        username: "imagebot_sim_bot",
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
        ...opts.bot,
      },
      limits: opts.limits ?? {},
      openChats: opts.openChats ?? false,
      validateImages: opts.validateImages ?? true,
      maxLongPollMs: opts.maxLongPollMs ?? 50_000,
      webhookRetry: { initialMs: 100, maxMs: 5_000, requestTimeoutMs: 10_000, ...opts.webhookRetry },
      log: opts.log ?? createLogger("telegram-sim", "silent"),
      onWebhookReply: (method, params) => onReply(method, params),
    });
    onReply = async (method, params) => {
      await handleCall(core, undefined, method, params, new AbortController().signal);
    };
    const host = opts.host ?? "127.0.0.1";
    let emulator: TelegramEmulator | undefined;
    const app = createHttpApp(
      core,
      controlRouter(() => {
        if (!emulator) throw new Error("emulator not started");
        return emulator;
      }),
    );
    const server = await listen(app, opts.port ?? 0, host);
    const port = (server.address() as AddressInfo).port;
    emulator = new TelegramEmulator(
      core,
      server,
      `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
      token,
    );
    return emulator;
  }

  /** Same as `url`: what telegraf takes as `telegram.apiRoot`. */
  get apiRoot(): string {
    return this.url;
  }

  get controlUrl(): string {
    return `${this.url}/__sim`;
  }

  get botInfo(): BotUser {
    return this.core.bot;
  }

  get faults(): FaultInjector {
    return this.core.faults;
  }

  /** The user with this id (created on first call; options apply then). */
  user(id: number, opts: SimUserOptions = {}): SimUser {
    let user = this.users.get(id);
    if (!user) {
      user = new SimUser(this.core, id, opts);
      this.users.set(id, user);
    }
    return user;
  }

  /** What the bot did in chat `chatId`. */
  chat(chatId: number): ChatRecord {
    return this.core.chats.record(chatId);
  }

  waitFor(chatId: number, predicate: EventPredicate, timeoutMs?: number): Promise<ChatEvent> {
    return this.chat(chatId).waitFor(predicate, timeoutMs);
  }

  waitForNext(chatId: number, predicate: EventPredicate, timeoutMs?: number): Promise<ChatEvent> {
    return this.chat(chatId).waitForNext(predicate, timeoutMs);
  }

  /** Queues `n` text messages from a pool of users at once, for load benches. */
  pushUpdates(n: number, opts: PushUpdatesOptions = {}): MessageUpdate[] {
    const users = Math.max(1, opts.users ?? Math.min(n, 100));
    const first = opts.firstUserId ?? 1_000_000;
    const out: MessageUpdate[] = [];
    for (let i = 0; i < n; i++) {
      out.push(this.user(first + (i % users)).sendText(opts.text?.(i) ?? `load test prompt ${i}`));
    }
    return out;
  }

  blockChat(chatId: number): void {
    this.requireChat(chatId).blocked = true;
  }

  unblockChat(chatId: number): void {
    this.requireChat(chatId).blocked = false;
  }

  setLimits(limits: FloodLimitsInput): FloodLimits {
    this.core.limiter.setLimits(limits);
    return this.core.limiter.current;
  }

  webhookInfo(): WebhookInfo {
    return this.core.webhook.info();
  }

  stats(): EmulatorStats {
    return this.core.stats();
  }

  /**
   * Answers a pending long poll, stops webhook deliveries and closes the server: calls in flight get
   * `graceMs` to finish (a slow-reply fault may not), then every connection is cut.
   */
  close(graceMs = 1000): Promise<void> {
    this.core.longPoll.release();
    this.core.webhook.delete();
    return new Promise((resolve) => {
      const cut = setTimeout(() => this.server.closeAllConnections(), graceMs);
      // keep-alive connections turn idle as their last answers go out; close each as it does
      const sweep = setInterval(() => this.server.closeIdleConnections(), 10);
      this.server.close(() => {
        clearTimeout(cut);
        clearInterval(sweep);
        resolve();
      });
    });
  }

  private requireChat(chatId: number) {
    const state = this.core.chats.get(chatId);
    if (!state) throw new Error(`no chat ${chatId}`);
    return state;
  }
}

function listen(app: ReturnType<typeof createHttpApp>, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
  });
}

/** Starts an emulator; `await tg.close()` when done. */
export function startTelegramEmulator(opts: TelegramEmulatorOptions = {}): Promise<TelegramEmulator> {
  return TelegramEmulator.start(opts);
}
