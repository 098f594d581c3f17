import type { PoolSpec } from "../api/types.js";
import { describePolicies, scaleDownLimit, scaleUpLimit, stabilize } from "./behavior.js";
import { HISTORY_LIMIT, type History, pruneHistory } from "./history.js";
import { type Metrics, type Rule, type RuleRecommendation, recommend } from "./recommend.js";

/** A successful metrics read, or the marker of a failed one with the count of failures in a row. */
export type Observation = ({ kind: "metrics" } & Metrics) | { kind: "missing"; failures: number };

export type Reason =
  | Rule
  | "ActivationNotReached"
  | "ScaleUpStabilized"
  | "ScaleDownStabilized"
  | "RateLimited"
  | "ScaleUpDisabled"
  | "ScaleDownDisabled"
  | "AtMax"
  | "AtMin"
  | "MetricsMissing"
  | "Fallback"
  | "Paused";

export type Decision = {
  /** Replicas the worker Deployment should have. */
  replicas: number;
  /** The winning rule's recommendation, before activation, stabilization, rate limits and bounds. */
  raw: number | undefined;
  /** Why `replicas` is what it is: the last step that shaped it. */
  reason: Reason;
  /** Human text for the status and events, e.g. "210 active users, users/30 → 7". */
  message: string;
  /** Every rule's recommendation, for status and metrics. Empty when metrics are missing. */
  rules: RuleRecommendation[];
  /** The history to keep. It assumes `replicas` gets applied; if the write fails, keep the old one. */
  history: History;
};

/** The spec fields decide() reads. */
export type DecideSpec = Pick<
  PoolSpec,
  "minReplicas" | "maxReplicas" | "queue" | "users" | "latency" | "behavior" | "fallback" | "paused"
>;

/** Reasons that mean the pool runs other than what its rules ask for (the ScalingLimited condition). */
export const LIMITING_REASONS: ReadonlySet<Reason> = new Set<Reason>([
  "AtMax",
  "AtMin",
  "RateLimited",
  "ScaleUpDisabled",
  "ScaleDownDisabled",
]);

/**
 * How many workers to run (DESIGN.md, "The decision"). Pure: `now` (epoch ms) and `history` come
 * in, the new history goes out.
 */
export function decide(
  spec: DecideSpec,
  observation: Observation,
  current: number,
  history: History,
  now: number,
): Decision {
  const { behavior } = spec;
  const clamp = (n: number) => Math.min(Math.max(n, spec.minReplicas), spec.maxReplicas);

  if (observation.kind === "missing") {
    const pruned = pruneHistory(history, behavior, now);
    const { replicas: fallback, afterFailures } = spec.fallback;
    const reads = `metrics unreadable ${observation.failures === 1 ? "once" : `${observation.failures} times in a row`}`;
    if (spec.paused) {
      return hold(current, undefined, "Paused", `paused at ${current}; ${reads}`, [], pruned);
    }
    // an explicit fallback is the user's choice, so it skips stabilization and the rate limits
    if (fallback !== undefined && observation.failures >= afterFailures) {
      const replicas = clamp(fallback);
      return {
        replicas,
        raw: undefined,
        reason: "Fallback",
        message: `${reads}; fallback.replicas → ${replicas}`,
        rules: [],
        history: withScaleEvent(pruned, current, replicas, now),
      };
    }
    // never scale down on data we don't have
    const later = fallback === undefined ? "" : `, fallback ${fallback} after ${afterFailures}`;
    return hold(current, undefined, "MetricsMissing", `${reads}; holding ${current}${later}`, [], pruned);
  }

  // 1–2: every rule recommends; the highest wins
  const rules = recommend(spec, observation, current);
  const winner = rules.reduce((best, r) => (r.replicas > best.replicas ? r : best));
  let raw = winner.replicas;
  let reason: Reason = winner.rule;
  let message = winner.message;

  if (spec.paused) {
    const pruned = pruneHistory(history, behavior, now);
    return hold(current, raw, "Paused", `paused at ${current}; would run ${raw} (${message})`, rules, pruned);
  }

  // waking from zero is its own threshold, apart from the target (KEDA's activation)
  const { waiting } = observation;
  const { activationLength } = spec.queue;
  if (current === 0 && raw > 0 && waiting <= activationLength) {
    message = `${waiting} waiting, not above activationLength ${activationLength}: staying at zero (${message})`;
    raw = 0;
    reason = "ActivationNotReached";
  }

  // 3: stabilize against recent recommendations; the one made now joins them. A pool without
  // history (new, or its status lost) counts its current replicas as recommended now: it moves away
  // from them only as far as the stabilization windows allow, as if it had run all along.
  const past =
    history.recommendations.length > 0 ? history.recommendations : [{ timestamp: now, replicas: current }];
  const recommendations = [...past, { timestamp: now, replicas: raw }];
  const stabilized = stabilize(raw, current, past, behavior.scaleUp, behavior.scaleDown, now);
  if (stabilized !== raw) {
    const up = raw > current;
    const window = (up ? behavior.scaleUp : behavior.scaleDown).stabilizationWindowSeconds;
    reason = up ? "ScaleUpStabilized" : "ScaleDownStabilized";
    message += `; held at ${stabilized}, the ${up ? "lowest" : "highest"} recommendation in the last ${window}s`;
  }

  // 4: limit the step, then keep within [minReplicas, maxReplicas]
  let limited = stabilized;
  if (stabilized > current) {
    const limit = scaleUpLimit(current, history.scaleEvents, behavior.scaleUp, now);
    if (limit < stabilized) {
      limited = limit;
      if (behavior.scaleUp.selectPolicy === "Disabled") {
        reason = "ScaleUpDisabled";
        message += `; scale-up disabled, holding ${current}`;
      } else {
        reason = "RateLimited";
        message += `; limited to ${limit} (${describePolicies(behavior.scaleUp, "+")})`;
      }
    }
  } else if (stabilized < current) {
    const limit = scaleDownLimit(current, history.scaleEvents, behavior.scaleDown, now);
    if (limit > stabilized) {
      limited = limit;
      if (behavior.scaleDown.selectPolicy === "Disabled") {
        reason = "ScaleDownDisabled";
        message += `; scale-down disabled, holding ${current}`;
      } else {
        reason = "RateLimited";
        message += `; limited to ${limit} (${describePolicies(behavior.scaleDown, "-")})`;
      }
    }
  }
  const replicas = clamp(limited);
  if (limited > spec.maxReplicas) {
    reason = "AtMax";
    message += `; capped at maxReplicas ${spec.maxReplicas}`;
  } else if (limited < spec.minReplicas) {
    reason = "AtMin";
    message += `; raised to minReplicas ${spec.minReplicas}`;
  }

  const next = pruneHistory({ recommendations, scaleEvents: history.scaleEvents }, behavior, now);
  return {
    replicas,
    raw: winner.replicas,
    reason,
    message,
    rules,
    history: withScaleEvent(next, current, replicas, now),
  };
}

function hold(
  current: number,
  raw: number | undefined,
  reason: Reason,
  message: string,
  rules: RuleRecommendation[],
  history: History,
): Decision {
  return { replicas: current, raw, reason, message, rules, history };
}

function withScaleEvent(history: History, from: number, to: number, now: number): History {
  if (from === to) return history;
  const scaleEvents = [...history.scaleEvents, { timestamp: now, change: to - from }].slice(-HISTORY_LIMIT);
  return { ...history, scaleEvents };
}
