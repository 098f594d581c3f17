import type { ScalingRules } from "../api/types.js";
import type { Recommendation, ScaleEvent } from "./history.js";

/**
 * The HPA's stabilization: scale up only to the lowest recommendation of the scale-up window, and
 * down only to the highest of the scale-down window. `raw` is the recommendation made now.
 */
export function stabilize(
  raw: number,
  current: number,
  recommendations: readonly Recommendation[],
  up: ScalingRules,
  down: ScalingRules,
  now: number,
): number {
  const upCutoff = now - up.stabilizationWindowSeconds * 1000;
  const downCutoff = now - down.stabilizationWindowSeconds * 1000;
  let lowest = raw;
  let highest = raw;
  for (const r of recommendations) {
    if (r.timestamp > upCutoff) lowest = Math.min(lowest, r.replicas);
    if (r.timestamp > downCutoff) highest = Math.max(highest, r.replicas);
  }
  return Math.min(Math.max(current, lowest), highest);
}

/** Replicas at the start of a period: the current count minus what the pool changed within it. */
function periodStart(
  current: number,
  events: readonly ScaleEvent[],
  periodSeconds: number,
  now: number,
): number {
  const cutoff = now - periodSeconds * 1000;
  let changed = 0;
  for (const e of events) if (e.timestamp > cutoff) changed += e.change;
  return Math.max(0, current - changed);
}

/**
 * The most replicas the scale-up policies allow now (never below current). As in the HPA, a Percent
 * policy rounds up; unlike it, a Percent policy adds at least one pod, so a pool at zero can wake.
 */
export function scaleUpLimit(
  current: number,
  events: readonly ScaleEvent[],
  rules: ScalingRules,
  now: number,
): number {
  if (rules.selectPolicy === "Disabled") return current;
  const proposals = rules.policies.map((p) => {
    const start = periodStart(current, events, p.periodSeconds, now);
    return p.type === "Pods"
      ? start + p.value
      : Math.max(Math.ceil((start * (100 + p.value)) / 100), start + 1);
  });
  const limit = rules.selectPolicy === "Max" ? Math.max(...proposals) : Math.min(...proposals);
  return Math.max(limit, current);
}

/** The fewest replicas the scale-down policies allow now (never above current, never below 0). */
export function scaleDownLimit(
  current: number,
  events: readonly ScaleEvent[],
  rules: ScalingRules,
  now: number,
): number {
  if (rules.selectPolicy === "Disabled") return current;
  const proposals = rules.policies.map((p) => {
    const start = periodStart(current, events, p.periodSeconds, now);
    return p.type === "Pods" ? start - p.value : Math.floor((start * (100 - p.value)) / 100);
  });
  // Max picks the policy allowing the biggest change, which for a scale-down is the lowest count
  const limit = rules.selectPolicy === "Max" ? Math.min(...proposals) : Math.max(...proposals);
  return Math.min(Math.max(limit, 0), current);
}

/** "+100% or +4 per 15s" — how a rule set reads in a message. */
export function describePolicies(rules: ScalingRules, sign: "+" | "-"): string {
  const parts = rules.policies.map(
    (p) =>
      `${sign}${p.value}${p.type === "Percent" ? "%" : p.value === 1 ? " pod" : " pods"} per ${p.periodSeconds}s`,
  );
  return parts.join(rules.selectPolicy === "Min" ? " and " : " or ");
}
