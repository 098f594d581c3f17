import { describe, expect, it } from "vitest";
import { parseSpec } from "../api/schema.js";
import type { PoolSpecInput } from "../api/types.js";
import { type Decision, decide, type Observation, type Reason } from "./decide.js";
import { emptyHistory, HISTORY_LIMIT, type History, historyFromStatus, historyToStatus } from "./history.js";
import type { Metrics } from "./recommend.js";

const NOW = Date.parse("2025-01-01T12:00:00Z");

function spec(overrides: Partial<PoolSpecInput> = {}) {
  return parseSpec({
    scaleTargetRef: { name: "image-worker" },
    redis: { url: "redis://redis:6379" },
    ...overrides,
  });
}

function metrics(m: Partial<Metrics> = {}): Observation {
  return { kind: "metrics", activeUsers: 0, waiting: 0, active: 0, delayed: 0, ...m };
}

const missing = (failures: number): Observation => ({ kind: "missing", failures });

/** History from [secondsAgo, replicas] recommendations and [secondsAgo, change] scale events. */
function history(recommendations: [number, number][] = [], scaleEvents: [number, number][] = []): History {
  return {
    recommendations: recommendations.map(([ago, replicas]) => ({ timestamp: NOW - ago * 1000, replicas })),
    scaleEvents: scaleEvents.map(([ago, change]) => ({ timestamp: NOW - ago * 1000, change })),
  };
}

/** One decision, in the HPA's replicaCalcTestCase shape. */
type DecideTestCase = {
  name: string;
  spec?: Partial<PoolSpecInput>;
  observation: Observation;
  currentReplicas: number;
  /** Defaults to a history that has seen the current count 10 minutes ago, outside every default window. */
  history?: History;
  expectedReplicas: number;
  expectedRaw: number | undefined;
  expectedReason: Reason;
  expectedMessage?: string;
};

const noScaleDownWindow = { behavior: { scaleDown: { stabilizationWindowSeconds: 0 } } };
const scaleToZero = { minReplicas: 0, ...noScaleDownWindow };

const cases: DecideTestCase[] = [
  // seed parity: 100 users / 30 per worker → 4; from 1 the default step (+100% or +4 → 5) allows it
  {
    name: "100 users, empty queue → 4",
    observation: metrics({ activeUsers: 100 }),
    currentReplicas: 1,
    expectedReplicas: 4,
    expectedRaw: 4,
    expectedReason: "UsersRule",
    expectedMessage: "100 active users, users/30 → 4",
  },
  // seed parity: 200 users → 7; from 4 the step allows 8
  {
    name: "200 users, empty queue → 7",
    observation: metrics({ activeUsers: 200 }),
    currentReplicas: 4,
    expectedReplicas: 7,
    expectedRaw: 7,
    expectedReason: "UsersRule",
  },
  // seed parity: 300 users → 10; from 7 the step allows 14
  {
    name: "300 users, empty queue → 10",
    observation: metrics({ activeUsers: 300 }),
    currentReplicas: 7,
    expectedReplicas: 10,
    expectedRaw: 10,
    expectedReason: "UsersRule",
  },
  // the message DESIGN.md quotes
  {
    name: "210 users → 7, said the way users read it",
    observation: metrics({ activeUsers: 210 }),
    currentReplicas: 7,
    expectedReplicas: 7,
    expectedRaw: 7,
    expectedReason: "UsersRule",
    expectedMessage: "210 active users, users/30 → 7",
  },
  // seed parity: 120 waiting at 5 replicas, target 50 → ceil(5 × 120 / 50) = 12 is the raw recommendation;
  // the default scale-up step from 5 is max(+100% → 10, +4 → 9) = 10, so this tick runs 10
  {
    name: "120 waiting at 5 replicas: queue rule says 12, the default step allows 10",
    observation: metrics({ waiting: 120 }),
    currentReplicas: 5,
    expectedReplicas: 10,
    expectedRaw: 12,
    expectedReason: "RateLimited",
    expectedMessage:
      "120 waiting jobs over target 50 at 5 → 12; limited to 10 (+100% per 15s or +4 pods per 15s)",
  },
  // seed parity: the same backlog reaches 12 in one tick where the policy permits it (+200% per 15 s)
  {
    name: "120 waiting at 5 replicas with a wider step → 12",
    spec: { behavior: { scaleUp: { policies: [{ type: "Percent", value: 200, periodSeconds: 15 }] } } },
    observation: metrics({ waiting: 120 }),
    currentReplicas: 5,
    expectedReplicas: 12,
    expectedRaw: 12,
    expectedReason: "QueueRule",
  },
  // the default step from 1 is +4 → 5, so 300 users cannot get 10 in one tick
  {
    name: "300 users from 1 replica are rate-limited to 5",
    observation: metrics({ activeUsers: 300 }),
    currentReplicas: 1,
    expectedReplicas: 5,
    expectedRaw: 10,
    expectedReason: "RateLimited",
  },
  // queue 12 beats users 7: the highest recommendation wins and names the reason
  {
    name: "queue rule beats users rule",
    spec: { behavior: { scaleUp: { policies: [{ type: "Pods", value: 10, periodSeconds: 15 }] } } },
    observation: metrics({ activeUsers: 210, waiting: 120 }),
    currentReplicas: 5,
    expectedReplicas: 12,
    expectedRaw: 12,
    expectedReason: "QueueRule",
  },
  // users 10 beats queue ceil(7 × 60 / 50) = 9
  {
    name: "users rule beats queue rule",
    observation: metrics({ activeUsers: 300, waiting: 60 }),
    currentReplicas: 7,
    expectedReplicas: 10,
    expectedRaw: 10,
    expectedReason: "UsersRule",
  },
  // users ceil(120 / 30) = 4 ties queue ceil(3 × 60 / 50) = 4: the first rule in order names it
  {
    name: "a tie names the users rule",
    observation: metrics({ activeUsers: 120, waiting: 60 }),
    currentReplicas: 3,
    expectedReplicas: 4,
    expectedRaw: 4,
    expectedReason: "UsersRule",
  },
  // Little's law: (2/s × 6 s + 30 × 6 s / 10 s) / 2 per worker = 15 beats users and queue
  {
    name: "latency rule wins",
    spec: { latency: { targetSeconds: 10, concurrency: 2 } },
    observation: metrics({ activeUsers: 30, waiting: 30, arrivalRate: 2, serviceTimeSeconds: 6 }),
    currentReplicas: 10,
    expectedReplicas: 15,
    expectedRaw: 15,
    expectedReason: "LatencyRule",
    expectedMessage: "2 jobs/s × 6s + 30 waiting × 6s / 10s target, 2 per worker → 15",
  },
  // without an arrival rate the latency rule stays silent; users decide
  {
    name: "latency rule needs an arrival rate and a service time",
    spec: { latency: { targetSeconds: 10 } },
    observation: metrics({ activeUsers: 90, waiting: 30, serviceTimeSeconds: 6 }),
    currentReplicas: 3,
    expectedReplicas: 3,
    expectedRaw: 3,
    expectedReason: "UsersRule",
  },
  // a backlog within target still keeps one worker
  {
    name: "waiting jobs within target keep one worker",
    spec: scaleToZero,
    observation: metrics({ waiting: 10 }),
    currentReplicas: 3,
    expectedReplicas: 1,
    expectedRaw: 1,
    expectedReason: "QueueRule",
  },
  // a running job keeps its worker even with nothing waiting
  {
    name: "an active job keeps one worker",
    spec: scaleToZero,
    observation: metrics({ active: 1 }),
    currentReplicas: 1,
    expectedReplicas: 1,
    expectedRaw: 1,
    expectedReason: "QueueRule",
  },
  // no users, no jobs and minReplicas 0: scale to zero
  {
    name: "scales to zero when idle",
    spec: scaleToZero,
    observation: metrics({ delayed: 4 }),
    currentReplicas: 1,
    expectedReplicas: 0,
    expectedRaw: 0,
    expectedReason: "UsersRule",
  },
  // clamping: 900 users → 30, capped at maxReplicas 20
  {
    name: "capped at maxReplicas",
    observation: metrics({ activeUsers: 900 }),
    currentReplicas: 20,
    expectedReplicas: 20,
    expectedRaw: 30,
    expectedReason: "AtMax",
  },
  // clamping wins over stabilization: replicas above a lowered maxReplicas come down at once
  {
    name: "brought down to a lowered maxReplicas",
    observation: metrics({ activeUsers: 750 }),
    currentReplicas: 25,
    expectedReplicas: 20,
    expectedRaw: 25,
    expectedReason: "AtMax",
  },
  // clamping: idle, but minReplicas 2
  {
    name: "held at minReplicas",
    spec: { minReplicas: 2, ...noScaleDownWindow },
    observation: metrics(),
    currentReplicas: 5,
    expectedReplicas: 2,
    expectedRaw: 0,
    expectedReason: "AtMin",
  },
  // scale-down stabilization: 8 was recommended 100 s ago, inside the 300 s window
  {
    name: "scale-down held at the window's highest recommendation",
    observation: metrics({ activeUsers: 100 }),
    currentReplicas: 10,
    history: history([
      [400, 10],
      [100, 8],
      [50, 5],
    ]),
    expectedReplicas: 8,
    expectedRaw: 4,
    expectedReason: "ScaleDownStabilized",
    expectedMessage: "100 active users, users/30 → 4; held at 8, the highest recommendation in the last 300s",
  },
  // once the window has passed, the scale-down happens (100% per 15 s allows all of it)
  {
    name: "scale-down after the window",
    observation: metrics({ activeUsers: 100 }),
    currentReplicas: 10,
    history: history([[301, 8]]),
    expectedReplicas: 4,
    expectedRaw: 4,
    expectedReason: "UsersRule",
  },
  // a new pool (no history) counts its current replicas as recommended now: no scale-down for a window
  {
    name: "a pool without history waits a window before scaling down",
    observation: metrics({ activeUsers: 100 }),
    currentReplicas: 10,
    history: emptyHistory(),
    expectedReplicas: 10,
    expectedRaw: 4,
    expectedReason: "ScaleDownStabilized",
  },
  // scale-up stabilization: with a 60 s window, only to the lowest recommendation in it (6)
  {
    name: "scale-up held at the window's lowest recommendation",
    spec: { behavior: { scaleUp: { stabilizationWindowSeconds: 60 } } },
    observation: metrics({ activeUsers: 300 }),
    currentReplicas: 5,
    history: history([
      [90, 4],
      [30, 6],
    ]),
    expectedReplicas: 6,
    expectedRaw: 10,
    expectedReason: "ScaleUpStabilized",
  },
  // step limit over the period: +4 happened 10 s ago, so the period started at 4 and allows max(8, 8)
  {
    name: "scale-up step already used within the period",
    observation: metrics({ activeUsers: 300 }),
    currentReplicas: 8,
    history: history([[600, 4]], [[10, 4]]),
    expectedReplicas: 8,
    expectedRaw: 10,
    expectedReason: "RateLimited",
  },
  // the same event 20 s ago is outside the 15 s period: the step is free again
  {
    name: "scale-up step free again after the period",
    observation: metrics({ activeUsers: 300 }),
    currentReplicas: 8,
    history: history([[600, 4]], [[20, 4]]),
    expectedReplicas: 10,
    expectedRaw: 10,
    expectedReason: "UsersRule",
  },
  // selectPolicy Min takes the smaller step: min(+100% → 20, +4 → 14)
  {
    name: "selectPolicy Min takes the smaller step",
    spec: {
      behavior: {
        scaleUp: {
          selectPolicy: "Min",
          policies: [
            { type: "Percent", value: 100, periodSeconds: 15 },
            { type: "Pods", value: 4, periodSeconds: 15 },
          ],
        },
      },
      maxReplicas: 100,
    },
    observation: metrics({ activeUsers: 900 }),
    currentReplicas: 10,
    expectedReplicas: 14,
    expectedRaw: 30,
    expectedReason: "RateLimited",
  },
  // scale-down step: 1 pod per 60 s, no window
  {
    name: "scale-down limited to one pod per minute",
    spec: {
      behavior: {
        scaleDown: {
          stabilizationWindowSeconds: 0,
          policies: [{ type: "Pods", value: 1, periodSeconds: 60 }],
        },
      },
    },
    observation: metrics({ activeUsers: 100 }),
    currentReplicas: 10,
    expectedReplicas: 9,
    expectedRaw: 4,
    expectedReason: "RateLimited",
    expectedMessage: "100 active users, users/30 → 4; limited to 9 (-1 pod per 60s)",
  },
  // the pod removed 30 s ago used this minute's step
  {
    name: "scale-down step already used within the period",
    spec: {
      behavior: {
        scaleDown: {
          stabilizationWindowSeconds: 0,
          policies: [{ type: "Pods", value: 1, periodSeconds: 60 }],
        },
      },
    },
    observation: metrics({ activeUsers: 100 }),
    currentReplicas: 9,
    history: history([[600, 10]], [[30, -1]]),
    expectedReplicas: 9,
    expectedRaw: 4,
    expectedReason: "RateLimited",
  },
  // selectPolicy Disabled: never up
  {
    name: "scale-up disabled",
    spec: { behavior: { scaleUp: { selectPolicy: "Disabled" } } },
    observation: metrics({ activeUsers: 300 }),
    currentReplicas: 3,
    expectedReplicas: 3,
    expectedRaw: 10,
    expectedReason: "ScaleUpDisabled",
  },
  // selectPolicy Disabled: never down
  {
    name: "scale-down disabled",
    spec: { behavior: { scaleDown: { selectPolicy: "Disabled", stabilizationWindowSeconds: 0 } } },
    observation: metrics(),
    currentReplicas: 6,
    expectedReplicas: 6,
    expectedRaw: 0,
    expectedReason: "ScaleDownDisabled",
  },
  // from zero: one waiting job above activationLength 0 wakes one worker
  {
    name: "wakes from zero on the first job",
    spec: { minReplicas: 0 },
    observation: metrics({ waiting: 1 }),
    currentReplicas: 0,
    expectedReplicas: 1,
    expectedRaw: 1,
    expectedReason: "QueueRule",
  },
  // from zero with a backlog: ceil(1 × 500 / 50) = 10, but the step from 0 is +4
  {
    name: "wakes from zero with a backlog, limited by the step",
    spec: { minReplicas: 0 },
    observation: metrics({ waiting: 500 }),
    currentReplicas: 0,
    expectedReplicas: 4,
    expectedRaw: 10,
    expectedReason: "RateLimited",
  },
  // from zero a Percent-only policy still adds one pod (a percentage of zero is zero)
  {
    name: "a Percent-only policy can wake from zero",
    spec: {
      minReplicas: 0,
      behavior: { scaleUp: { policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] } },
    },
    observation: metrics({ waiting: 500 }),
    currentReplicas: 0,
    expectedReplicas: 1,
    expectedRaw: 10,
    expectedReason: "RateLimited",
  },
  // activation: 5 waiting is not above 10, so 200 users alone don't wake the pool
  {
    name: "stays at zero below activationLength",
    spec: { minReplicas: 0, queue: { activationLength: 10 } },
    observation: metrics({ activeUsers: 200, waiting: 5 }),
    currentReplicas: 0,
    expectedReplicas: 0,
    expectedRaw: 7,
    expectedReason: "ActivationNotReached",
  },
  // activation: 11 waiting is above 10; users 7 win, the step from 0 allows 4
  {
    name: "wakes above activationLength",
    spec: { minReplicas: 0, queue: { activationLength: 10 } },
    observation: metrics({ activeUsers: 200, waiting: 11 }),
    currentReplicas: 0,
    expectedReplicas: 4,
    expectedRaw: 7,
    expectedReason: "RateLimited",
  },
  // activation keeps a pool at zero, but minReplicas 1 still applies (someone scaled it to 0 by hand)
  {
    name: "below activation at zero but minReplicas 1",
    spec: { queue: { activationLength: 10 } },
    observation: metrics({ activeUsers: 200, waiting: 5 }),
    currentReplicas: 0,
    expectedReplicas: 1,
    expectedRaw: 7,
    expectedReason: "AtMin",
  },
  // missing metrics, no fallback: hold, never scale down on data we don't have
  {
    name: "holds replicas while metrics are missing",
    observation: missing(7),
    currentReplicas: 6,
    expectedReplicas: 6,
    expectedRaw: undefined,
    expectedReason: "MetricsMissing",
    expectedMessage: "metrics unreadable 7 times in a row; holding 6",
  },
  // missing metrics, fallback set but only 2 of 3 failures: still hold
  {
    name: "holds before afterFailures is reached",
    spec: { fallback: { replicas: 2 } },
    observation: missing(2),
    currentReplicas: 6,
    expectedReplicas: 6,
    expectedRaw: undefined,
    expectedReason: "MetricsMissing",
    expectedMessage: "metrics unreadable 2 times in a row; holding 6, fallback 2 after 3",
  },
  // missing metrics, third failure: the fallback applies at once, past windows and steps
  {
    name: "runs fallback.replicas after afterFailures",
    spec: { fallback: { replicas: 2 } },
    observation: missing(3),
    currentReplicas: 6,
    expectedReplicas: 2,
    expectedRaw: undefined,
    expectedReason: "Fallback",
  },
  // fallback stays within bounds
  {
    name: "fallback is kept within minReplicas",
    spec: { minReplicas: 1, fallback: { replicas: 0, afterFailures: 1 } },
    observation: missing(1),
    currentReplicas: 6,
    expectedReplicas: 1,
    expectedRaw: undefined,
    expectedReason: "Fallback",
  },
  // paused: hold, but report what the rules would do
  {
    name: "paused holds and says what it would do",
    spec: { paused: true },
    observation: metrics({ activeUsers: 300 }),
    currentReplicas: 3,
    expectedReplicas: 3,
    expectedRaw: 10,
    expectedReason: "Paused",
    expectedMessage: "paused at 3; would run 10 (300 active users, users/30 → 10)",
  },
  // paused wins over fallback
  {
    name: "paused holds even when fallback would apply",
    spec: { paused: true, fallback: { replicas: 9, afterFailures: 1 } },
    observation: missing(5),
    currentReplicas: 3,
    expectedReplicas: 3,
    expectedRaw: undefined,
    expectedReason: "Paused",
  },
];

describe("decide", () => {
  it.each(cases)("$name", (tc) => {
    const past = tc.history ?? history([[600, tc.currentReplicas]]);
    const d = decide(spec(tc.spec), tc.observation, tc.currentReplicas, past, NOW);
    expect({ replicas: d.replicas, raw: d.raw, reason: d.reason }).toEqual({
      replicas: tc.expectedReplicas,
      raw: tc.expectedRaw,
      reason: tc.expectedReason,
    });
    if (tc.expectedMessage !== undefined) expect(d.message).toBe(tc.expectedMessage);
  });

  it("does not change its inputs", () => {
    const past = history([[100, 8]], [[5, 1]]);
    const copy = structuredClone(past);
    const s = spec();
    const specCopy = structuredClone(s);
    decide(s, metrics({ activeUsers: 100 }), 10, past, NOW);
    expect(past).toEqual(copy);
    expect(s).toEqual(specCopy);
  });

  it("records the recommendation and the scale event it made", () => {
    const d = decide(spec(), metrics({ activeUsers: 200 }), 4, history([[600, 4]]), NOW);
    expect(d.history).toEqual({
      recommendations: [{ timestamp: NOW, replicas: 7 }],
      scaleEvents: [{ timestamp: NOW, change: 3 }],
    });
  });

  it("returns every rule's recommendation", () => {
    const d = decide(
      spec({ latency: { targetSeconds: 10 } }),
      metrics({ activeUsers: 60, waiting: 100, arrivalRate: 1, serviceTimeSeconds: 2 }),
      2,
      emptyHistory(),
      NOW,
    );
    expect(d.rules.map((r) => [r.rule, r.replicas])).toEqual([
      ["UsersRule", 2],
      ["QueueRule", 4],
      ["LatencyRule", 22],
    ]);
  });

  it("reaches the queue rule's 12 over two ticks of the default step", () => {
    const s = spec();
    // 120 waiting at 5 → 12 recommended, 10 allowed; 15 s later 60 waiting at 10 → 12, now allowed
    const first = decide(s, metrics({ waiting: 120 }), 5, emptyHistory(), NOW);
    expect(first.replicas).toBe(10);
    const second = decide(s, metrics({ waiting: 60 }), 10, first.history, NOW + 15_000);
    expect([second.replicas, second.reason]).toEqual([12, "QueueRule"]);
  });

  it("keeps a steady pool's history to one entry", () => {
    const s = spec();
    let past = emptyHistory();
    for (let t = 0; t < 1000; t++) {
      past = decide(s, metrics({ activeUsers: 100 }), 4, past, NOW + t * 5000).history;
    }
    expect(past.recommendations).toHaveLength(1);
    expect(past.scaleEvents).toHaveLength(0);
  });

  it("bounds the history of a pool that never settles", () => {
    const s = spec({
      maxReplicas: 1000,
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 3600 },
        scaleDown: {
          stabilizationWindowSeconds: 3600,
          policies: [{ type: "Pods", value: 1, periodSeconds: 1800 }],
        },
      },
    });
    let past = emptyHistory();
    let current = 1;
    for (let t = 0; t < 2000; t++) {
      // a rising then falling staircase, the worst case for the window's highest and lowest
      const users = 30 * (t < 1000 ? t : 2000 - t);
      const d = decide(s, metrics({ activeUsers: users }), current, past, NOW + t * 1000);
      past = d.history;
      current = d.replicas;
      expect(past.recommendations.length).toBeLessThanOrEqual(HISTORY_LIMIT);
      expect(past.scaleEvents.length).toBeLessThanOrEqual(HISTORY_LIMIT);
    }
  });

  it("decides the same after a restart that reloads the history from the status", () => {
    const s = spec();
    const first = decide(s, metrics({ activeUsers: 300 }), 7, history([[600, 7]]), NOW);
    const reloaded = historyFromStatus(historyToStatus(first.history));
    const later = NOW + 60_000;
    const straight = decide(s, metrics({ activeUsers: 30 }), first.replicas, first.history, later);
    const restarted = decide(s, metrics({ activeUsers: 30 }), first.replicas, reloaded, later);
    expect(restarted).toEqual(straight);
    expect([restarted.replicas, restarted.reason]).toEqual([10, "ScaleDownStabilized"]);
  });
});

describe("history in the status", () => {
  it("skips entries whose timestamp does not parse", () => {
    const h = historyFromStatus({
      recommendations: [
        { timestamp: "2025-01-01T12:00:00Z", replicas: 3 },
        { timestamp: "yesterday", replicas: 9 },
      ],
    });
    expect(h).toEqual({ recommendations: [{ timestamp: NOW, replicas: 3 }], scaleEvents: [] });
  });

  it("writes RFC 3339 timestamps", () => {
    const d: Decision = decide(spec(), metrics({ activeUsers: 200 }), 4, history([[600, 4]]), NOW);
    expect(historyToStatus(d.history)).toEqual({
      recommendations: [{ timestamp: "2025-01-01T12:00:00.000Z", replicas: 7 }],
      scaleEvents: [{ timestamp: "2025-01-01T12:00:00.000Z", change: 3 }],
    });
  });
});
