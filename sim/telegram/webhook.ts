import { Readable } from "node:stream";
import type { Logger } from "../../common/logger.js";
import { type RawParams, readParams } from "./request-body.js";
import type { Update } from "./types.js";
import type { UpdateQueue } from "./update-queue.js";

export type WebhookConfig = {
  url: string;
  secretToken?: string;
  maxConnections: number;
  allowedUpdates?: string[];
};

export type WebhookInfo = {
  url: string;
  has_custom_certificate: boolean;
  pending_update_count: number;
  max_connections?: number;
  allowed_updates?: string[];
  last_error_date?: number;
  last_error_message?: string;
};

export type WebhookRetry = { initialMs: number; maxMs: number; requestTimeoutMs: number };

/** A method call the bot made in its webhook answer (telegraf's webhookReply). */
export type WebhookReplyHandler = (method: string, params: RawParams) => Promise<void>;

/**
 * Delivers queued updates to the webhook over up to `max_connections` requests at once, as Telegram
 * does; updates of one chat go one at a time, in order. An update is confirmed by a 2xx answer; any
 * other answer or a network error is recorded (getWebhookInfo's last_error_*) and the same update
 * is retried after an exponential backoff, as Telegram does (only faster).
 */
export class WebhookDispatcher {
  private config: WebhookConfig | undefined;
  private lastError: { date: number; message: string } | undefined;
  private generation = 0;
  private lanes = 0;
  private readonly inFlight = new Set<number>();
  private readonly busyChats = new Set<number>();
  private readonly sleepers = new Set<() => void>();
  delivered = 0;
  failedDeliveries = 0;

  constructor(
    private readonly queue: UpdateQueue,
    private readonly retry: WebhookRetry,
    private readonly onReply: WebhookReplyHandler,
    private readonly log: Logger,
  ) {
    queue.onPush(() => this.kick());
  }

  get active(): boolean {
    return this.config !== undefined;
  }

  set(config: WebhookConfig): void {
    this.config = config;
    this.lastError = undefined;
    this.generation += 1;
    this.wakeAll();
    this.kick();
  }

  delete(): void {
    this.config = undefined;
    this.lastError = undefined;
    this.generation += 1;
    this.wakeAll();
  }

  info(): WebhookInfo {
    const info: WebhookInfo = {
      url: this.config?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: this.queue.pendingCount,
    };
    if (this.config) {
      info.max_connections = this.config.maxConnections;
      if (this.config.allowedUpdates) info.allowed_updates = this.config.allowedUpdates;
    }
    if (this.lastError) {
      info.last_error_date = this.lastError.date;
      info.last_error_message = this.lastError.message;
    }
    return info;
  }

  private kick(): void {
    while (this.config && this.lanes < this.config.maxConnections) {
      const update = this.nextDeliverable();
      if (!update) return;
      this.lanes += 1;
      void this.lane(update, this.generation).finally(() => {
        this.lanes -= 1;
        this.kick();
      });
    }
  }

  /** The oldest pending update not on its way whose chat has nothing on its way. */
  private nextDeliverable(): Update | undefined {
    for (const update of this.queue.pending()) {
      if (this.inFlight.has(update.update_id)) continue;
      const chat = chatOf(update);
      if (chat !== undefined && this.busyChats.has(chat)) continue;
      return update;
    }
    return undefined;
  }

  /** Delivers one update until it is confirmed or the webhook changes. */
  private async lane(update: Update, generation: number): Promise<void> {
    const chat = chatOf(update);
    this.inFlight.add(update.update_id);
    if (chat !== undefined) this.busyChats.add(chat);
    let backoffMs = this.retry.initialMs;
    try {
      while (this.config && generation === this.generation) {
        const error = await this.deliver(this.config, JSON.stringify(update));
        if (generation !== this.generation) return;
        if (!error) {
          this.queue.confirm(update.update_id);
          this.delivered += 1;
          return;
        }
        this.failedDeliveries += 1;
        this.lastError = { date: Math.floor(Date.now() / 1000), message: error };
        this.log.debug({ updateId: update.update_id, error, backoffMs }, "webhook delivery failed");
        await this.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, this.retry.maxMs);
      }
    } finally {
      this.inFlight.delete(update.update_id);
      if (chat !== undefined) this.busyChats.delete(chat);
    }
  }

  /** Posts one update; returns Telegram's wording of what went wrong, or undefined on success. */
  private async deliver(config: WebhookConfig, body: string): Promise<string | undefined> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (config.secretToken) headers["x-telegram-bot-api-secret-token"] = config.secretToken;
    let res: Response;
    try {
      res = await fetch(config.url, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(this.retry.requestTimeoutMs),
      });
    } catch (err) {
      return describeNetworkError(err);
    }
    const reply = Buffer.from(await res.arrayBuffer().catch(() => new ArrayBuffer(0)));
    if (res.status < 200 || res.status > 299) {
      return `Wrong response from the webhook: ${res.status} ${res.statusText}`.trim();
    }
    await this.handleReply(res.headers.get("content-type") ?? "", reply);
    return undefined;
  }

  private async handleReply(contentType: string, reply: Buffer): Promise<void> {
    if (reply.length === 0) return;
    try {
      const params = await readParams(
        { "content-type": contentType || "application/json" },
        Readable.from([reply]),
      );
      const method = params.fields.method;
      if (typeof method !== "string") return;
      delete params.fields.method;
      await this.onReply(method, params);
    } catch (err) {
      // Telegram ignores errors of a method called in a webhook answer; so do we, but say so
      this.log.debug({ err }, "method in webhook answer failed");
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  private wakeAll(): void {
    for (const wake of [...this.sleepers]) wake();
  }
}

/** The chat an update belongs to, for per-chat ordering; undefined when it has none. */
function chatOf(update: Update): number | undefined {
  const u = update as {
    message?: { chat: { id: number } };
    edited_message?: { chat: { id: number } };
    callback_query?: { from: { id: number } };
  };
  return u.message?.chat.id ?? u.edited_message?.chat.id ?? u.callback_query?.from.id;
}

function describeNetworkError(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: string } | undefined) : undefined;
  if (cause?.code === "ECONNREFUSED") return "Connection refused";
  if (err instanceof Error && err.name === "TimeoutError") return "Read timeout expired";
  return `Failed to connect: ${cause?.code ?? (err instanceof Error ? err.message : String(err))}`;
}
