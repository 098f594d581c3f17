import { z } from "zod";

/** The calls the emulator counts. */
export type CallKind = "create" | "status" | "download" | "generations" | "cancel";
export const CALL_KINDS: readonly CallKind[] = ["create", "status", "download", "generations", "cancel"];

const rate = z.number().min(0).max(1);

/** Random faults, each drawn per request (failureRate per job). */
export const faultsSchema = z.object({
  /** A prediction ends `failed`; an OpenAI generation gets a 400 content-policy refusal. */
  failureRate: rate.default(0),
  /** A request answers 500. */
  errorRate: rate.default(0),
  /** A request answers 429 with Retry-After. */
  rateLimitRate: rate.default(0),
  retryAfterSeconds: z.number().int().nonnegative().default(1),
  /** A request is never answered. */
  hangRate: rate.default(0),
});
export type Faults = z.infer<typeof faultsSchema>;

/** One fault to inject on the next call of a kind (deterministic, for tests). */
export type ScriptedFault =
  | { type: "status"; status: number; retryAfterSeconds?: number; body?: unknown }
  | { type: "hang" }
  /** create only: the prediction ends failed, or with `error` as its reason. */
  | { type: "fail"; error?: string };

export type Decision = ScriptedFault | undefined;

/** Decides, per request, what goes wrong: scripted faults first, then the random ones. */
export class FaultPlan {
  faults: Faults;
  private readonly scripted = new Map<CallKind, ScriptedFault[]>();

  constructor(
    faults: z.input<typeof faultsSchema>,
    private readonly random: () => number,
  ) {
    this.faults = faultsSchema.parse(faults);
  }

  set(faults: Partial<Faults>): void {
    this.faults = faultsSchema.parse({ ...this.faults, ...faults });
  }

  failNext(kind: CallKind, fault: ScriptedFault, times = 1): void {
    const queue = this.scripted.get(kind) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.scripted.set(kind, queue);
  }

  /** The transport-level fault for this request, if any. */
  decide(kind: CallKind): Decision {
    const next = this.scripted.get(kind)?.shift();
    if (next) return next;
    const f = this.faults;
    if (this.random() < f.hangRate) return { type: "hang" };
    if (this.random() < f.rateLimitRate)
      return { type: "status", status: 429, retryAfterSeconds: f.retryAfterSeconds };
    if (this.random() < f.errorRate) return { type: "status", status: 500 };
    if ((kind === "create" || kind === "generations") && this.random() < f.failureRate)
      return { type: "fail" };
    return undefined;
  }
}
