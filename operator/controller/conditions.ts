import type { Condition } from "../api/types.js";

export type ConditionType = "Ready" | "MetricsAvailable" | "ScalingLimited" | "Paused";
export type ConditionUpdate = {
  type: ConditionType;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
};

/**
 * Sets conditions in the metav1.Condition way: lastTransitionTime moves only when the status
 * changes; reason, message and observedGeneration are always current. Order is kept stable.
 */
export function setConditions(
  existing: Condition[] | undefined,
  updates: ConditionUpdate[],
  generation: number | undefined,
  now: Date,
): Condition[] {
  const out = [...(existing ?? [])];
  for (const u of updates) {
    const i = out.findIndex((c) => c.type === u.type);
    const prev = i >= 0 ? out[i] : undefined;
    const next: Condition = {
      type: u.type,
      status: u.status,
      reason: u.reason,
      message: u.message.slice(0, 32_768),
      observedGeneration: generation,
      lastTransitionTime: prev && prev.status === u.status ? prev.lastTransitionTime : now.toISOString(),
    };
    if (i >= 0) out[i] = next;
    else out.push(next);
  }
  return out;
}

export function findCondition(
  conditions: Condition[] | undefined,
  type: ConditionType,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
