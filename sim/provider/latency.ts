import { z } from "zod";

/** How long an emulated job takes. Lognormal fits service times: a floor, a bulk, a long right tail. */
export const latencySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("fixed"), ms: z.number().nonnegative() }),
  z.object({
    kind: z.literal("lognormal"),
    medianMs: z.number().positive(),
    /** σ of the underlying normal: 0.3 puts p5..p95 at about 0.6×..1.6× the median. */
    sigma: z.number().nonnegative(),
    maxMs: z.number().positive().optional(),
  }),
]);
export type Latency = z.infer<typeof latencySchema>;

export function sampleLatencyMs(latency: Latency, random: () => number): number {
  if (latency.kind === "fixed") return latency.ms;
  const ms = latency.medianMs * Math.exp(latency.sigma * standardNormal(random));
  return latency.maxMs === undefined ? ms : Math.min(ms, latency.maxMs);
}

/** Box–Muller. */
export function standardNormal(random: () => number): number {
  let u = random();
  while (u <= Number.EPSILON) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** "fixed:1500" or "lognormal:8000:0.3[:60000]" — the CLI's way to say it. */
export function parseLatency(text: string): Latency {
  const [kind, a, b, c] = text.split(":");
  if (kind === "fixed") return latencySchema.parse({ kind, ms: Number(a) });
  return latencySchema.parse({
    kind,
    medianMs: Number(a),
    sigma: Number(b),
    ...(c === undefined ? {} : { maxMs: Number(c) }),
  });
}
