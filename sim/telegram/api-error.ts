import type { ResponseParameters } from "./types.js";

/** A Bot API error: rendered as `{ ok: false, error_code, description, parameters? }` with the same HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
    this.name = "ApiError";
  }

  toBody(): { ok: false; error_code: number; description: string; parameters?: ResponseParameters } {
    return {
      ok: false,
      error_code: this.code,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

/** Thrown by a fault that makes the server hang up without answering. */
export class DropConnection extends Error {
  constructor() {
    super("connection dropped by fault injection");
    this.name = "DropConnection";
  }
}

export function badRequest(what: string): ApiError {
  return new ApiError(400, `Bad Request: ${what}`);
}

const statusTexts: Record<number, string> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The errors Telegram answers with, worded exactly as Telegram words them. */
export const apiErrors = {
  unauthorized: () => new ApiError(401, "Unauthorized"),
  notFound: () => new ApiError(404, "Not Found"),
  chatNotFound: () => badRequest("chat not found"),
  blocked: () => new ApiError(403, "Forbidden: bot was blocked by the user"),
  tooManyRequests: (retryAfter: number) =>
    new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter }),
  serverError: (status = 500) => new ApiError(status, statusTexts[status] ?? "Internal Server Error"),
  conflictOtherPoller: () =>
    new ApiError(
      409,
      "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    ),
  conflictSetWebhook: () => new ApiError(409, "Conflict: terminated by setWebhook request"),
  conflictWebhookActive: () =>
    new ApiError(
      409,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    ),
};
