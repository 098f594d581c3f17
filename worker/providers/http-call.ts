import type { z } from "zod";
import { errorForStatus, ProviderError, parseRetryAfter } from "./provider-error.js";

export type HttpCallOptions = {
  method?: "GET" | "POST";
  body?: unknown;
  token?: string | undefined;
  /** Caller's signal: aborting it rejects with its reason, not a ProviderError. */
  signal: AbortSignal;
  /** One request's own limit; exceeding it is a retryable timeout. */
  timeoutMs: number;
};

/**
 * One HTTP request to a provider, body read included. Maps what can go wrong to a ProviderError:
 * no answer in time and network failures are retryable, statuses by `errorForStatus`.
 */
async function request<T>(
  url: string,
  options: HttpCallOptions,
  read: (response: Response) => Promise<T>,
): Promise<T> {
  options.signal.throwIfAborted();
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  try {
    const response = await fetch(url, {
      method: options.method ?? "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.any([options.signal, timeout]),
    });
    if (!response.ok) {
      const detail = errorDetail(await response.text());
      throw errorForStatus(response.status, detail, parseRetryAfter(response.headers.get("retry-after")));
    }
    return await read(response);
  } catch (cause) {
    if (cause instanceof ProviderError) throw cause;
    throw failureOf(cause, options.signal, timeout, url, options.timeoutMs);
  }
}

/** Sends a request and zod-parses the JSON reply; a reply of the wrong shape is a retryable bad_reply (it may be a proxy's page). */
export async function httpJson<S extends z.ZodType>(
  url: string,
  schema: S,
  options: HttpCallOptions,
): Promise<z.infer<S>> {
  const text = await request(url, options, (response) => response.text());
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ProviderError(`provider reply from ${url} is not JSON`, {
      kind: "bad_reply",
      retryable: true,
      cause,
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new ProviderError(`provider reply from ${url} has an unexpected shape: ${parsed.error.message}`, {
      kind: "bad_reply",
      retryable: true,
      cause: parsed.error,
    });
  return parsed.data;
}

/** Downloads a body as bytes. */
export async function httpBytes(url: string, options: HttpCallOptions): Promise<Buffer> {
  return Buffer.from(await request(url, options, (response) => response.arrayBuffer()));
}

function failureOf(
  cause: unknown,
  signal: AbortSignal,
  timeout: AbortSignal,
  url: string,
  timeoutMs: number,
): unknown {
  if (signal.aborted) return signal.reason;
  const timedOut = timeout.aborted || (cause instanceof DOMException && cause.name === "TimeoutError");
  if (timedOut)
    return new ProviderError(`no answer from ${url} within ${timeoutMs} ms`, {
      kind: "timeout",
      retryable: true,
      cause,
    });
  return new ProviderError(`request to ${url} failed: ${(cause as Error)?.message ?? String(cause)}`, {
    kind: "network",
    retryable: true,
    cause,
  });
}

/** A short, single-line reason from an error body ({error}, {detail}, {error: {message}} or text). */
function errorDetail(body: string): string {
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    const error = json.error;
    if (typeof error === "object" && error !== null) {
      const { message, code } = error as Record<string, unknown>;
      return [code, message].filter((v) => typeof v === "string").join(": ");
    }
    const text = [error, json.detail, json.message].find((v) => typeof v === "string");
    if (typeof text === "string") return text;
  } catch {
    // not JSON: use the text as it is
  }
  return body.replace(/\s+/g, " ").trim();
}
