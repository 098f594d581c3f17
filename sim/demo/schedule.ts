import type { DemoSettings } from "./settings.js";

export type Phase = { index: number; users: number; startMs: number; endMs: number };

/**
 * The phases on the demo's clock (ms from the start of the first phase). A last phase with no users
 * lasts long enough for the operator to see them gone (the users window) and scale down (the
 * stabilization window), plus a margin, even when the phases are short.
 */
export function buildSchedule(
  s: Pick<DemoSettings, "users" | "phaseSeconds" | "usersWindowSeconds" | "scaleDownStabilizationSeconds">,
): Phase[] {
  const phases: Phase[] = [];
  let start = 0;
  s.users.forEach((users, index) => {
    const last = index === s.users.length - 1;
    const drain = s.usersWindowSeconds + s.scaleDownStabilizationSeconds + 10;
    const seconds = last && users === 0 ? Math.max(s.phaseSeconds, drain) : s.phaseSeconds;
    phases.push({ index, users, startMs: start, endMs: start + seconds * 1000 });
    start += seconds * 1000;
  });
  return phases;
}

/** The phase running at `elapsedMs`, or undefined before the first and after the last. */
export function phaseAt(phases: readonly Phase[], elapsedMs: number): Phase | undefined {
  return phases.find((p) => elapsedMs >= p.startMs && elapsedMs < p.endMs);
}

export function totalMs(phases: readonly Phase[]): number {
  return phases.at(-1)?.endMs ?? 0;
}

/** The hand-run rule the operator replaces: one worker per 30 users, at least one. */
export function handRunWorkers(users: number, perWorker = 30): number {
  return Math.max(1, Math.ceil(users / perWorker));
}
