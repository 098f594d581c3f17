import { describe, expect, it } from "vitest";
import { buildSchedule, handRunWorkers, phaseAt, totalMs } from "./schedule.js";
import { demoSettings, SettingsError } from "./settings.js";
import { PhaseStats, percentile } from "./stats.js";

describe("the demo's phase schedule", () => {
  const base = { phaseSeconds: 60, usersWindowSeconds: 90, scaleDownStabilizationSeconds: 20 };

  it("runs the phases back to back and gives a last empty phase time to scale down", () => {
    const phases = buildSchedule({ ...base, users: [100, 200, 300, 0] });
    expect(phases.map((p) => [p.users, p.startMs, p.endMs])).toEqual([
      [100, 0, 60_000],
      [200, 60_000, 120_000],
      [300, 120_000, 180_000],
      // users window 90 s + stabilization 20 s + 10 s margin
      [0, 180_000, 300_000],
    ]);
    expect(totalMs(phases)).toBe(300_000);
    expect(phaseAt(phases, 59_999)?.users).toBe(100);
    expect(phaseAt(phases, 60_000)?.users).toBe(200);
    expect(phaseAt(phases, 300_000)).toBeUndefined();
  });

  it("keeps phase length when the last phase has users", () => {
    expect(totalMs(buildSchedule({ ...base, users: [50, 0, 50] }))).toBe(180_000);
  });

  it("states the hand-run rule: 100/200/300 users → 4/7/10 workers, at least one", () => {
    expect([100, 200, 300, 0].map((u) => handRunWorkers(u))).toEqual([4, 7, 10, 1]);
  });
});

describe("the demo's settings", () => {
  it("reads DEMO_USERS and DEMO_PHASE_SECONDS, and --quick", () => {
    const s = demoSettings(["--quick"], { DEMO_USERS: "30, 60,0", DEMO_PHASE_SECONDS: "20" });
    expect(s.quick).toBe(true);
    expect(s.users).toEqual([30, 60, 0]);
    expect(s.phaseSeconds).toBe(20);
    expect(s.usersWindowSeconds).toBe(s.sendIntervalSeconds.max);
  });

  it("rejects bad values and unknown flags", () => {
    expect(() => demoSettings([], { DEMO_USERS: "a,b" })).toThrow(SettingsError);
    expect(() => demoSettings([], { DEMO_PHASE_SECONDS: "-1" })).toThrow(SettingsError);
    expect(() => demoSettings(["--fast"], {})).toThrow(SettingsError);
  });
});

describe("time-to-image statistics", () => {
  it("takes nearest-rank percentiles", () => {
    const xs = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 95)).toBe(10);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it("counts failures against settled requests", () => {
    const st = new PhaseStats();
    for (let i = 0; i < 99; i++) st.recordDelivered(1000 + i);
    st.recordFailure("timeout");
    expect(st.settled).toBe(100);
    expect(st.errorRate).toBeCloseTo(0.01);
    st.sample({ queue: 12, replicas: 4, activeUsers: 100 });
    st.sample({ queue: 3, replicas: 7, activeUsers: 190 });
    expect([st.maxQueue, st.maxReplicas, st.lastReplicas, st.maxActiveUsers]).toEqual([12, 7, 7, 190]);
  });
});
