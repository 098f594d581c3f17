import { isDeepStrictEqual } from "node:util";
import type { ImageWorkerPool, PoolStatus } from "../api/types.js";
import { type Observation as DecideObservation, type Decision, LIMITING_REASONS } from "../decide/decide.js";
import { historyToStatus } from "../decide/history.js";
import { type ConditionUpdate, setConditions } from "./conditions.js";

/** The status of a pool that cannot be scaled now (target missing, another autoscaler owns it). */
export function failedStatus(
  pool: ImageWorkerPool,
  status: PoolStatus,
  reason: string,
  message: string,
  now: number,
): PoolStatus {
  return {
    ...status,
    observedGeneration: pool.metadata.generation,
    conditions: setConditions(
      status.conditions,
      [{ type: "Ready", status: "False", reason, message }, pausedCondition(pool)],
      pool.metadata.generation,
      new Date(now),
    ),
  };
}

export function nextStatus(
  pool: ImageWorkerPool,
  status: PoolStatus,
  observation: DecideObservation,
  failures: number,
  missingReason: string | undefined,
  decision: Decision,
  scaledAt: string | undefined,
  now: number,
): PoolStatus {
  const nowIso = new Date(now).toISOString();
  const metricsOk = observation.kind === "metrics";
  const limited = LIMITING_REASONS.has(decision.reason);
  const updates: ConditionUpdate[] = [
    { type: "Ready", status: "True", reason: "Reconciled", message: decision.message },
    metricsOk
      ? {
          type: "MetricsAvailable",
          status: "True",
          reason: "MetricsRead",
          message: "queue and users read from Redis",
        }
      : {
          type: "MetricsAvailable",
          status: "False",
          reason: "RedisUnavailable",
          message: `${missingReason ?? "metrics unreadable"}; ${decision.message}`,
        },
    limited
      ? { type: "ScalingLimited", status: "True", reason: decision.reason, message: decision.message }
      : {
          type: "ScalingLimited",
          status: "False",
          reason: "DesiredWithinRange",
          message: "the desired count is within range",
        },
    pausedCondition(pool),
  ];
  return {
    ...status,
    observedGeneration: pool.metadata.generation,
    replicas: decision.replicas,
    desiredReplicas: decision.replicas,
    recommendedReplicas: decision.raw ?? decision.replicas,
    ...(metricsOk
      ? {
          activeUsers: observation.activeUsers,
          queueLength: observation.waiting,
          activeJobs: observation.active,
          delayedJobs: observation.delayed,
          lastMetricsTime: nowIso,
        }
      : {}),
    consecutiveFailures: failures,
    lastScaleTime: scaledAt ?? status.lastScaleTime,
    ...historyToStatus(decision.history),
    conditions: setConditions(status.conditions, updates, pool.metadata.generation, new Date(now)),
  };
}

/**
 * Whether a new status is worth a write. Timestamps and the recommendation history move on every
 * poll; writing each of them would cost the API server one write per pool per poll. So: write when
 * anything else changed or a scale happened, and otherwise refresh at most every `refreshMs`
 * (a restarted operator then loses at most that much of its stabilization history).
 */
export function statusWorthWriting(
  before: PoolStatus,
  after: PoolStatus,
  sinceLastWriteMs: number,
  refreshMs: number,
): boolean {
  const steady = (s: PoolStatus) => ({
    ...s,
    lastMetricsTime: undefined,
    recommendations: undefined,
    scaleEvents: undefined,
  });
  if (!isDeepStrictEqual(steady(before), steady(after))) return true;
  if (!isDeepStrictEqual(before.scaleEvents ?? [], after.scaleEvents ?? [])) return true;
  return sinceLastWriteMs >= refreshMs && !isDeepStrictEqual(before, after);
}

export function pausedCondition(pool: ImageWorkerPool): ConditionUpdate {
  return pool.spec.paused
    ? {
        type: "Paused",
        status: "True",
        reason: "PausedBySpec",
        message: "spec.paused is true: replicas are not changed",
      }
    : { type: "Paused", status: "False", reason: "Active", message: "replicas follow the rules" };
}
