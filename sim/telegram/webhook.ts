import { Readable } from "node:stream";
import type { Logger } from "../../common/logger.js";
import { type RawParams, readParams } from "./request-body.js";
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
 * Delivers queued updates to the webhook one at a time, in order. An update is confirmed by a 2xx
 * answer; any other answer or a network error is recorded (getWebhookInfo's last_error_*) and the
 * same update is retried after an exponential backoff, as Telegram does (only faster).
 */
export class WebhookDispatcher {
  private config: WebhookConfig | undefined;
  private lastError: { date: number; message: string } | undefined;
  private generation = 0;
  private running = false;
  private wake: (() => void) | undefined;
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
    this.wake?.();
    this.kick();
  }

  delete(): void {
    this.config = undefined;
    this.lastError = undefined;
    this.generation += 1;
    this.wake?.();
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
    if (this.running || !this.config || this.queue.pendingCount === 0) return;
    this.running = true;
    void this.loop(this.generation).finally(() => {
      this.running = false;
      this.kick();
    });
  }

  private async loop(generation: number): Promise<void> {
    let backoffMs = this.retry.initialMs;
    while (this.config && generation === this.generation) {
      const update = this.queue.first();
      if (!update) return;
      const error = await this.deliver(this.config, JSON.stringify(update));
      if (generation !== this.generation) return;
      if (!error) {
        this.queue.confirmBelow(update.update_id + 1);
        this.delivered += 1;
        backoffMs = this.retry.initialMs;
        continue;
      }
      this.failedDeliveries += 1;
      this.lastError = { date: Math.floor(Date.now() / 1000), message: error };
      this.log.debug({ updateId: update.update_id, error, backoffMs }, "webhook delivery failed");
      await this.sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, this.retry.maxMs);
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
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

function describeNetworkError(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: string } | undefined) : undefined;
  if (cause?.code === "ECONNREFUSED") return "Connection refused";
  if (err instanceof Error && err.name === "TimeoutError") return "Read timeout expired";
  return `Failed to connect: ${cause?.code ?? (err instanceof Error ? err.message : String(err))}`;
}
