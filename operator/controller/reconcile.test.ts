import type { AutoscalingV2Api, CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import { pino } from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { RedisObserver } from "../observe/observer.js";
import type { EventRecorder } from "./events.js";
import { operatorMetrics } from "./metrics.js";
import { statusWorthWriting } from "./pool-status.js";
import { Reconciler } from "./reconcile.js";

// The API server validates pools with the same rules as parsePool (operator/api/crd-agreement.int.test.ts),
// so an invalid spec reaches reconcile only across a version skew between the CRD and the operator.
// This test hands reconcile such an object through an in-memory stand-in for the two calls it makes.
describe("Reconciler with an invalid spec", () => {
  it("sets Ready=False InvalidSpec, records one Warning event and does not retry", async () => {
    const stored = {
      apiVersion: "imagebot.dev/v1alpha1",
      kind: "ImageWorkerPool",
      metadata: { name: "images", namespace: "ns", generation: 3, uid: "u-1" },
      spec: {
        scaleTargetRef: { name: "w" },
        redis: { url: "redis://r:6379" },
        minReplicas: 9,
        maxReplicas: 2,
      },
    };
    const patches: unknown[] = [];
    const objects = {
      getNamespacedCustomObject: async () => stored,
      patchNamespacedCustomObjectStatus: async (req: { body: unknown }) => {
        patches.push(req.body);
        return {};
      },
    } as unknown as CustomObjectsApi;
    const events: [string, string, string][] = [];
    const recorder = {
      record: async (_t: unknown, type: string, reason: string, message: string) => {
        events.push([type, reason, message]);
      },
    } as unknown as EventRecorder;
    const reconciler = new Reconciler({
      objects,
      core: {} as CoreV1Api,
      autoscaling: {} as AutoscalingV2Api,
      observer: new RedisObserver(),
      events: recorder,
      metrics: operatorMetrics(new Registry()),
      log: pino({ level: "silent" }),
      targetFor: () => {
        throw new Error("an invalid pool must not touch its target");
      },
      now: () => Date.parse("2026-01-01T00:00:00Z"),
    });

    expect(await reconciler.reconcile("ns/images")).toEqual({ kind: "forget" });
    expect(await reconciler.reconcile("ns/images")).toEqual({ kind: "forget" });
    expect(events).toEqual([
      ["Warning", "InvalidSpec", "invalid spec: spec: minReplicas must be less than or equal to maxReplicas"],
    ]);
    expect(patches[0]).toMatchObject({
      status: {
        observedGeneration: 3,
        conditions: [
          {
            type: "Ready",
            status: "False",
            reason: "InvalidSpec",
            observedGeneration: 3,
            lastTransitionTime: "2026-01-01T00:00:00.000Z",
          },
        ],
      },
    });
  });
});

describe("statusWorthWriting", () => {
  const base = {
    replicas: 3,
    queueLength: 10,
    lastMetricsTime: "2026-01-01T00:00:00.000Z",
    recommendations: [{ timestamp: "2026-01-01T00:00:00.000Z", replicas: 3 }],
  };
  const later = {
    ...base,
    lastMetricsTime: "2026-01-01T00:00:05.000Z",
    recommendations: [{ timestamp: "2026-01-01T00:00:05.000Z", replicas: 3 }],
  };
  it.each([
    // a reading that moved only timestamps is not written between refreshes
    ["only timestamps moved, recently written", base, later, 5_000, false],
    // ...but it is once the refresh interval has passed, so the history survives a restart
    ["only timestamps moved, refresh due", base, later, 30_000, true],
    // any real change is written at once
    ["the queue changed", base, { ...later, queueLength: 11 }, 5_000, true],
    // a scale is part of the step-limit history and is written at once
    [
      "a scale event",
      base,
      { ...later, scaleEvents: [{ timestamp: later.lastMetricsTime, change: 1 }] },
      5_000,
      true,
    ],
    // nothing changed at all: no write even when due
    ["identical", base, base, 60_000, false],
  ])("%s", (_name, before, after, since, expected) => {
    expect(statusWorthWriting(before, after, since, 30_000)).toBe(expected);
  });
});
