import { z } from "zod";

export const faultSchema = z.discriminatedUnion("kind", [
  /** 429 Too Many Requests with parameters.retry_after */
  z.object({ kind: z.literal("too-many-requests"), retryAfter: z.number().int().min(1).default(1) }),
  /** 5xx with Telegram's status text */
  z.object({ kind: z.literal("server-error"), status: z.number().int().min(500).max(599).default(500) }),
  /** 403 Forbidden: bot was blocked by the user */
  z.object({ kind: z.literal("blocked") }),
  /** a slow reply: the call is carried out normally after the delay */
  z.object({ kind: z.literal("delay"), ms: z.number().int().min(0) }),
  /** the server hangs up without an answer (a network error for the client) */
  z.object({ kind: z.literal("drop-connection") }),
  /** any other error */
  z.object({ kind: z.literal("error"), code: z.number().int(), description: z.string() }),
]);

export const faultSpecSchema = z.object({
  /** a method name (case-insensitive), or "*" for every method that talks to chats (see matches) */
  method: z.string().default("*"),
  /** only calls whose chat_id is this chat */
  chatId: z.union([z.number().int(), z.string()]).optional(),
  /** how many matching calls get this fault */
  times: z.number().int().positive().default(1),
  fault: faultSchema,
});

export type Fault = z.infer<typeof faultSchema>;
export type FaultSpec = z.input<typeof faultSpecSchema>;
type Armed = z.infer<typeof faultSpecSchema> & { left: number };
type Target = { method?: string; chatId?: number | string };

/** Methods that receive updates; "*" leaves them alone so a blanket fault doesn't stall the bot's intake. */
const intakeMethods = new Set(["getupdates", "setwebhook", "deletewebhook", "getwebhookinfo", "getme"]);

/**
 * Faults on demand: each armed fault answers the next `times` matching calls, oldest armed first.
 * A fault aimed at a named method applies to that method only; "*" applies to every method except
 * the update intake (getUpdates, webhook management, getMe), which must be named to be hit.
 */
export class FaultInjector {
  private armed: Armed[] = [];
  injected = 0;

  inject(spec: FaultSpec): void {
    const parsed = faultSpecSchema.parse(spec);
    this.armed.push({ ...parsed, left: parsed.times });
  }

  tooManyRequests(times: number, retryAfter: number, target: Target = {}): void {
    this.inject({ ...target, times, fault: { kind: "too-many-requests", retryAfter } });
  }

  serverError(times: number, target: Target & { status?: number } = {}): void {
    const { status = 500, ...rest } = target;
    this.inject({ ...rest, times, fault: { kind: "server-error", status } });
  }

  slow(times: number, ms: number, target: Target = {}): void {
    this.inject({ ...target, times, fault: { kind: "delay", ms } });
  }

  blocked(times: number, target: Target = {}): void {
    this.inject({ ...target, times, fault: { kind: "blocked" } });
  }

  clear(): void {
    this.armed = [];
  }

  /** How many faulty answers are still armed. */
  pending(): number {
    return this.armed.reduce((sum, a) => sum + a.left, 0);
  }

  /** The fault for this call, if one is armed; consumes it. */
  take(method: string, chatId: number | string | undefined): Fault | undefined {
    const name = method.toLowerCase();
    const index = this.armed.findIndex((a) => matches(a, name, chatId));
    const hit = this.armed[index];
    if (!hit) return undefined;
    hit.left -= 1;
    if (hit.left <= 0) this.armed.splice(index, 1);
    this.injected += 1;
    return hit.fault;
  }
}

function matches(armed: Armed, method: string, chatId: number | string | undefined): boolean {
  const wanted = armed.method.toLowerCase();
  if (wanted === "*" ? intakeMethods.has(method) : wanted !== method) return false;
  return armed.chatId === undefined || String(armed.chatId) === String(chatId);
}
