import type { ApiResponse } from "./types.js";

export type ApiCall<T> = { status: number; body: ApiResponse<T> };

/**
 * A bare Bot API call over HTTP, for tests and benches that want the raw answer (status and body)
 * rather than a client library's exception. `params` go as JSON, or as multipart when a FormData.
 */
export async function callBotApi<T = unknown>(
  apiRoot: string,
  token: string,
  method: string,
  params: Record<string, unknown> | FormData = {},
  init: { signal?: AbortSignal } = {},
): Promise<ApiCall<T>> {
  const isForm = params instanceof FormData;
  const res = await fetch(`${apiRoot}/bot${token}/${method}`, {
    method: "POST",
    ...(isForm ? {} : { headers: { "content-type": "application/json" } }),
    body: isForm ? params : JSON.stringify(params),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  return { status: res.status, body: (await res.json()) as ApiResponse<T> };
}

/** The result of a call that must succeed; throws with Telegram's description otherwise. */
export async function callOk<T = unknown>(
  apiRoot: string,
  token: string,
  method: string,
  params: Record<string, unknown> | FormData = {},
): Promise<T> {
  const { body } = await callBotApi<T>(apiRoot, token, method, params);
  if (!body.ok) throw new Error(`${method}: ${body.error_code} ${body.description}`);
  return body.result;
}
