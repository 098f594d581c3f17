import { CoordinationV1Api } from "@kubernetes/client-node";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { waitUntil } from "../../test/harness/free-port.js";
import { createTestNamespace, testKubeConfig } from "../../test/harness/k8s.js";
import { LeaseElector } from "./lease-elector.js";

const log = pino({ level: "silent" });
const fast = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 250 };

function elector(namespace: string, identity: string, events: string[]) {
  return new LeaseElector(
    testKubeConfig(),
    {
      namespace,
      name: "imagebot-operator",
      identity,
      ...fast,
      onStartedLeading: () => events.push(`${identity} leads`),
      onStoppedLeading: () => events.push(`${identity} lost`),
    },
    log,
  );
}

/** Two candidates in a namespace of their own: "a" leads, then "b" starts campaigning. */
async function leaderAndStandby(prefix: string) {
  const namespace = await createTestNamespace(prefix);
  const events: string[] = [];
  const a = elector(namespace, "a", events);
  a.start();
  await waitUntil("a leads", async () => a.isLeader, 10_000, 50);
  const b = elector(namespace, "b", events);
  b.start();
  return { namespace, events, a, b };
}

function readLease(namespace: string) {
  return testKubeConfig()
    .makeApiClient(CoordinationV1Api)
    .readNamespacedLease({ namespace, name: "imagebot-operator" });
}

describe("LeaseElector on the real API server", () => {
  it("lets one of two candidates lead, and hands over at once on a clean stop", async () => {
    const { namespace, events, a, b } = await leaderAndStandby("lease");
    await new Promise((r) => setTimeout(r, 1000));
    expect(b.isLeader).toBe(false);

    const lease = await readLease(namespace);
    expect(lease.spec?.holderIdentity).toBe("a");

    const released = Date.now();
    await a.stop();
    await waitUntil("b leads", async () => b.isLeader, 10_000, 50);
    // a released lease is free at once: well under the 3 s lease duration
    expect(Date.now() - released).toBeLessThan(2500);
    expect(events).toEqual(["a leads", "b leads"]);
    await b.stop();
  });

  it("takes over within the lease duration when the leader dies without releasing", async () => {
    const { namespace, a, b } = await leaderAndStandby("lease-crash");
    await new Promise((r) => setTimeout(r, 500));
    const died = Date.now();
    await a.stop({ release: false });
    await waitUntil("b leads", async () => b.isLeader, 10_000, 50);
    const took = Date.now() - died;
    // not before the lease ran out, not much after
    expect(took).toBeGreaterThanOrEqual(2000);
    expect(took).toBeLessThan(3000 + 2 * fast.retryPeriodMs + 1500);
    const lease = await readLease(namespace);
    expect(lease.spec?.holderIdentity).toBe("b");
    expect(lease.spec?.leaseTransitions).toBe(1);
    await b.stop();
  });
});
