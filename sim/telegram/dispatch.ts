import { setTimeout as sleep } from "node:timers/promises";
import { ApiError, apiErrors, DropConnection } from "./api-error.js";
import type { EmulatorCore } from "./emulator-core.js";
import type { Fault } from "./faults.js";
import { editMethods } from "./methods-edit.js";
import { mediaMethods } from "./methods-media.js";
import { messageMethods } from "./methods-messages.js";
import { updateMethods } from "./methods-updates.js";
import type { RawParams } from "./request-body.js";

export type MethodHandler = (core: EmulatorCore, params: RawParams, signal: AbortSignal) => unknown;

/** A result with Telegram's optional top-level description ("Webhook was set"). */
export class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

export type CallOutcome =
  | { kind: "answer"; status: number; body: Record<string, unknown> }
  | { kind: "drop" };

const handlers = new Map<string, MethodHandler>(
  Object.entries({ ...updateMethods, ...messageMethods, ...editMethods, ...mediaMethods }).map(
    ([name, h]) => [name.toLowerCase(), h],
  ),
);

export const supportedMethods = [
  ...Object.keys({ ...updateMethods, ...messageMethods, ...editMethods, ...mediaMethods }),
];

/**
 * One Bot API call, start to end: token, method (names are case-insensitive, as on Telegram),
 * an armed fault if any, then the method itself. `token` undefined means a call from a webhook answer.
 */
export async function handleCall(
  core: EmulatorCore,
  token: string | undefined,
  method: string,
  params: RawParams,
  signal: AbortSignal,
): Promise<CallOutcome> {
  try {
    if (token !== undefined && !core.acceptsToken(token)) throw apiErrors.unauthorized();
    const handler = handlers.get(method.toLowerCase());
    if (!handler) throw apiErrors.notFound();
    const chatId = params.fields.chat_id;
    const fault = core.faults.take(
      method,
      typeof chatId === "number" || typeof chatId === "string" ? chatId : undefined,
    );
    if (fault) await applyFault(fault, signal);
    const result = await handler(core, params, signal);
    core.countCall(method);
    if (result instanceof Described) {
      return {
        kind: "answer",
        status: 200,
        body: { ok: true, result: result.result, description: result.description },
      };
    }
    return { kind: "answer", status: 200, body: { ok: true, result } };
  } catch (err) {
    if (err instanceof DropConnection) {
      core.countCall(method, 0);
      return { kind: "drop" };
    }
    if (err instanceof ApiError) {
      core.countCall(method, err.code);
      return { kind: "answer", status: err.code, body: err.toBody() };
    }
    core.log.error({ err, method }, "emulator method failed");
    core.countCall(method, 500);
    return { kind: "answer", status: 500, body: apiErrors.serverError(500).toBody() };
  }
}

async function applyFault(fault: Fault, signal: AbortSignal): Promise<void> {
  switch (fault.kind) {
    case "delay":
      await sleep(fault.ms, undefined, { signal }).catch(() => undefined);
      return;
    case "too-many-requests":
      throw apiErrors.tooManyRequests(fault.retryAfter);
    case "server-error":
      throw apiErrors.serverError(fault.status);
    case "blocked":
      throw apiErrors.blocked();
    case "drop-connection":
      throw new DropConnection();
    case "error":
      throw new ApiError(fault.code, fault.description);
  }
}
