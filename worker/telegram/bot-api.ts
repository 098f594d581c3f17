import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { Logger } from "../../common/logger.js";
import { networkErrorOf, TelegramApiError } from "./telegram-error.js";

const replySchema = z.object({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.number().int().optional(),
  description: z.string().optional(),
  parameters: z.object({ retry_after: z.number().optional() }).optional(),
});

export type BotApiOptions = {
  apiRoot: string;
  token: string;
  log: Logger;
  /** One HTTP request, at most. */
  requestTimeoutMs?: number;
  /** How long one call may spend waiting out 429s before it gives up (a retryable error). */
  maxFloodWaitMs?: number;
};

export type CallOptions = {
  /** Aborts the call, its 429 waits included. */
  signal?: AbortSignal;
  /** Aborts only the 429 waits, never a request in flight (for sends that must not be cut mid-way). */
  waitSignal?: AbortSignal;
};

/** JSON parameters, or a multipart form built anew for each try (a body stream is read once). */
export type CallParams = Record<string, unknown> | (() => FormData);

/**
 * A small Bot API client over fetch. Flood control is handled here: a 429 waits the `retry_after`
 * Telegram asks for and tries again, because a refused call was not carried out. Every other
 * failure is thrown for the caller to judge. The token lives only in the request URL, which is
 * never logged or put in an error.
 */
export class BotApi {
  private readonly base: string;
  private readonly requestTimeoutMs: number;
  private readonly maxFloodWaitMs: number;

  constructor(private readonly options: BotApiOptions) {
    this.base = `${options.apiRoot.replace(/\/+$/, "")}/bot${options.token}`;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    this.maxFloodWaitMs = options.maxFloodWaitMs ?? 120_000;
  }

  async call<T = unknown>(method: string, params: CallParams, opts: CallOptions = {}): Promise<T> {
    let waitedMs = 0;
    for (;;) {
      try {
        return (await this.once(method, params, opts.signal)) as T;
      } catch (err) {
        const waitMs = err instanceof TelegramApiError && err.code === 429 ? err.retryAfterMs : undefined;
        if (waitMs === undefined || waitedMs + waitMs > this.maxFloodWaitMs) throw err;
        this.options.log.warn({ method, retryAfterMs: waitMs }, "telegram flood control, waiting");
        const signals = [opts.signal, opts.waitSignal].filter((s) => s !== undefined);
        await sleep(waitMs, undefined, signals.length > 0 ? { signal: AbortSignal.any(signals) } : {});
        waitedMs += waitMs;
      }
    }
  }

  private async once(method: string, params: CallParams, signal: AbortSignal | undefined): Promise<unknown> {
    signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(this.requestTimeoutMs);
    const isForm = typeof params === "function";
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.base}/${method}`, {
        method: "POST",
        ...(isForm ? {} : { headers: { "content-type": "application/json" } }),
        body: isForm ? params() : JSON.stringify(params),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw networkErrorOf(method, err);
    }
    const reply = parseReply(text);
    if (!reply)
      throw new TelegramApiError(
        method,
        response.status,
        text.replace(/\s+/g, " ").slice(0, 200),
        undefined,
        false,
      );
    if (reply.ok) return reply.result;
    const retryAfter = reply.parameters?.retry_after;
    throw new TelegramApiError(
      method,
      reply.error_code ?? response.status,
      reply.description ?? "no description",
      retryAfter === undefined ? undefined : retryAfter * 1000,
    );
  }
}

function parseReply(text: string): z.infer<typeof replySchema> | undefined {
  try {
    const parsed = replySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
