import { ProviderError } from "./providers/provider-error.js";
import { TelegramApiError, TelegramNetworkError } from "./telegram/telegram-error.js";
import type { UserFailure } from "./texts.js";

/** The payload did not parse: the same job fails the same way every time. */
export class BadPayloadError extends Error {
  constructor(detail: string) {
    super(`bad payload: ${detail}`);
    this.name = "BadPayloadError";
  }
}

export type FailureVerdict = {
  /** Low-cardinality label for imagebot_worker_failures_total and the start of the failed reason. */
  reason: string;
  retryable: boolean;
  /** What the user is told if this was the last attempt. */
  user: UserFailure;
};

/**
 * Retry policy: provider errors as the provider judged them (a content refusal or bad credentials
 * fail again; overload, timeouts and model crashes may pass); Telegram errors when Telegram or the
 * network failed, not when it refused the request; an invalid payload never; anything unexpected
 * (Redis, a bug) is retried, because a retry costs little and may pass.
 */
export function classifyFailure(err: unknown): FailureVerdict {
  if (err instanceof BadPayloadError) return { reason: "bad_payload", retryable: false, user: "invalid" };
  if (err instanceof ProviderError)
    return { reason: `provider_${err.kind}`, retryable: err.retryable, user: userFailureOf(err) };
  if (err instanceof TelegramApiError)
    return { reason: `telegram_${err.code}`, retryable: err.retryable, user: "delivery" };
  if (err instanceof TelegramNetworkError)
    return { reason: "telegram_network", retryable: true, user: "delivery" };
  return { reason: "internal", retryable: true, user: "internal" };
}

function userFailureOf(err: ProviderError): UserFailure {
  switch (err.kind) {
    case "content_policy":
      return "refused";
    case "bad_request":
      return "invalid";
    default:
      return "unavailable";
  }
}

/** The job's failed reason: the verdict's label first, so `failedReason` can be grouped. */
export function failedReasonOf(verdict: FailureVerdict, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return `${verdict.reason}: ${message}`;
}
