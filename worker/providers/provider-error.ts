export type ProviderErrorKind =
  | "rate_limited"
  | "server"
  | "timeout"
  | "network"
  | "bad_request"
  | "content_policy"
  | "auth"
  | "failed"
  | "bad_reply";

/**
 * A provider call that did not give an image. `retryable` says whether the same request may
 * succeed later (the job is retried with backoff); `retryAfterMs` is the server's own wish.
 */
export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;

  constructor(
    message: string,
    options: {
      kind: ProviderErrorKind;
      retryable: boolean;
      retryAfterMs?: number | undefined;
      status?: number | undefined;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.name = "ProviderError";
    this.kind = options.kind;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }
}

/**
 * Retry policy by HTTP status: 408, 409 (a conflicting in-flight request), 425, 429 and 5xx may
 * pass later; every other 4xx is a problem with the request itself (400, a content-policy
 * refusal, bad credentials) and fails the same way again.
 */
export function errorForStatus(
  status: number,
  detail: string,
  retryAfterMs?: number | undefined,
): ProviderError {
  const message = `provider answered ${status}${detail ? `: ${detail.slice(0, 300)}` : ""}`;
  if (status === 429)
    return new ProviderError(message, { kind: "rate_limited", retryable: true, retryAfterMs, status });
  if (status >= 500 || status === 408 || status === 409 || status === 425)
    return new ProviderError(message, { kind: "server", retryable: true, retryAfterMs, status });
  if (status === 401 || status === 403)
    return new ProviderError(message, { kind: "auth", retryable: false, status });
  const kind = /content[ _-]?policy|safety|moderation/i.test(detail) ? "content_policy" : "bad_request";
  return new ProviderError(message, { kind, retryable: false, status });
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or malformed. */
export function parseRetryAfter(header: string | null | undefined, nowMs = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
