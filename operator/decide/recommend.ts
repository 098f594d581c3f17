import type { PoolSpec } from "../api/types.js";

/** What one metrics read saw. `waiting` is every job ready and not taken; delayed jobs are apart. */
export type Metrics = {
  activeUsers: number;
  waiting: number;
  active: number;
  delayed: number;
  /** Jobs added per second between the last two reads, when known. */
  arrivalRate?: number;
  /** Mean seconds a worker spends on one job, as workers report it, when known. */
  serviceTimeSeconds?: number;
};

export type Rule = "UsersRule" | "QueueRule" | "LatencyRule";

export type RuleRecommendation = { rule: Rule; replicas: number; message: string };

type RuleSpec = Pick<PoolSpec, "queue" | "users" | "latency">;

/** Float noise must not add a replica: 3.0000000001 workers is 3. */
function ceil(x: number): number {
  return Math.max(0, Math.ceil(x - 1e-9));
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The seed's rule: one worker per `perWorker` active users. */
export function usersRule(spec: RuleSpec, m: Metrics): RuleRecommendation {
  const replicas = ceil(m.activeUsers / spec.users.perWorker);
  return {
    rule: "UsersRule",
    replicas,
    message: `${plural(m.activeUsers, "active user")}, users/${spec.users.perWorker} → ${replicas}`,
  };
}

/**
 * Above the target, grow in proportion to the backlog (the HPA's ratio: current × waiting / target).
 * At zero replicas there is nothing to multiply, so one replica is the base. While there is work
 * (more waiting than activationLength, or jobs running) the rule keeps at least one worker.
 */
export function queueRule(spec: RuleSpec, m: Metrics, current: number): RuleRecommendation {
  const { targetLength, activationLength } = spec.queue;
  const jobs = `${plural(m.waiting, "waiting job")}`;
  if (m.waiting > targetLength) {
    const base = Math.max(current, 1);
    const replicas = Math.max(1, ceil((base * m.waiting) / targetLength));
    return {
      rule: "QueueRule",
      replicas,
      message: `${jobs} over target ${targetLength} at ${base} → ${replicas}`,
    };
  }
  if (m.waiting > activationLength || m.active > 0) {
    return {
      rule: "QueueRule",
      replicas: 1,
      message: `${jobs} and ${plural(m.active, "active job")}, within target ${targetLength} → 1`,
    };
  }
  return { rule: "QueueRule", replicas: 0, message: `${jobs}, no active jobs → 0` };
}

/**
 * Little's law: λ·S workers keep up with arrivals; waiting·S / T more clear the backlog within the
 * target T. Without a target, or without both an arrival rate and a service time, there is no rule.
 */
export function latencyRule(spec: RuleSpec, m: Metrics): RuleRecommendation | undefined {
  const target = spec.latency?.targetSeconds;
  const concurrency = spec.latency?.concurrency ?? 1;
  if (target === undefined || m.arrivalRate === undefined || m.serviceTimeSeconds === undefined)
    return undefined;
  const s = m.serviceTimeSeconds;
  const replicas = ceil((m.arrivalRate * s + (m.waiting * s) / target) / concurrency);
  return {
    rule: "LatencyRule",
    replicas,
    message:
      `${round(m.arrivalRate)} jobs/s × ${round(s)}s + ${m.waiting} waiting × ${round(s)}s / ${target}s target` +
      `${concurrency === 1 ? "" : `, ${concurrency} per worker`} → ${replicas}`,
  };
}

function round(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** Every rule that applies, in a fixed order; on a tie the first one names the reason. */
export function recommend(spec: RuleSpec, m: Metrics, current: number): RuleRecommendation[] {
  const latency = latencyRule(spec, m);
  return [usersRule(spec, m), queueRule(spec, m, current), ...(latency ? [latency] : [])];
}
