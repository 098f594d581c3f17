/** Telegram answered a call with an error (`ok: false`), or with something that isn't the Bot API's JSON. */
export class TelegramApiError extends Error {
  constructor(
    readonly method: string,
    /** error_code, or the HTTP status when the body was not the Bot API's */
    readonly code: number,
    readonly description: string,
    /** parameters.retry_after in ms, on a 429 */
    readonly retryAfterMs?: number,
    /** false when the answer was not the Bot API's JSON (a proxy's error page): Telegram may have acted */
    readonly fromTelegram = true,
  ) {
    super(`${method}: ${code} ${description}`);
    this.name = "TelegramApiError";
  }

  /** The user blocked the bot, deleted their account, or the bot was kicked: nothing will reach them. */
  get unreachable(): boolean {
    return this.code === 403;
  }

  /** Telegram (or a proxy in front of it) failed; the same call may pass later. */
  get retryable(): boolean {
    return this.code === 429 || this.code >= 500;
  }
}

/**
 * A call that got no answer. `delivered: "no"` when the request never reached the server (the
 * connection was refused), `"unknown"` when it may have been carried out (reset, timeout).
 */
export class TelegramNetworkError extends Error {
  constructor(
    readonly method: string,
    readonly delivered: "no" | "unknown",
    cause: unknown,
  ) {
    super(`${method}: no answer from Telegram (${causeText(cause)})`, { cause });
    this.name = "TelegramNetworkError";
  }
}

/** Socket errors that happen before a request is on the wire. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

export function networkErrorOf(method: string, err: unknown): TelegramNetworkError {
  const code = errorCode(err);
  return new TelegramNetworkError(method, code && NOT_SENT_CODES.has(code) ? "no" : "unknown", err);
}

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

// fetch's own message is "fetch failed"; the cause says why. Neither carries the URL (and its token).
function causeText(err: unknown): string {
  const code = errorCode(err);
  const name = err instanceof Error ? err.name : "error";
  return code ? `${name} ${code}` : err instanceof Error ? `${name}: ${err.message}` : String(err);
}
