import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { poolExamples } from "./examples.js";
import { parsePool, parseSpec, specDurations } from "./schema.js";
import { GROUP, KIND, PLURAL, VERSION } from "./types.js";

const minimalSpec = { scaleTargetRef: { name: "image-worker" }, redis: { url: "redis://redis:6379" } };

describe("parsePool on the shared examples", () => {
  it.each(poolExamples.filter((e) => e.valid))("accepts $name: $why", (example) => {
    const result = parsePool(example.object);
    expect(result.ok ? "" : result.message).toBe("");
  });

  it.each(poolExamples.filter((e) => !e.valid))("rejects $name, naming $field: $why", (example) => {
    const result = parsePool(example.object);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain(`${example.field}:`);
  });

  it("gives every example a distinct, creatable name", () => {
    const names = poolExamples.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});

describe("parsePool", () => {
  it("applies the defaults DESIGN.md promises", () => {
    expect(parseSpec(minimalSpec)).toEqual({
      scaleTargetRef: { name: "image-worker" },
      minReplicas: 1,
      maxReplicas: 20,
      redis: { url: "redis://redis:6379" },
      queue: { kind: "bullmq", name: "img_queue", targetLength: 50, activationLength: 0 },
      users: { key: "imagebot:active-users", window: "5m", perWorker: 30 },
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: "Max",
          policies: [
            { type: "Percent", value: 100, periodSeconds: 15 },
            { type: "Pods", value: 4, periodSeconds: 15 },
          ],
        },
        scaleDown: {
          stabilizationWindowSeconds: 300,
          selectPolicy: "Max",
          policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
        },
      },
      pollInterval: "5s",
      fallback: { afterFailures: 3 },
      paused: false,
    });
  });

  it("does not share default policy arrays between parses", () => {
    const a = parseSpec(minimalSpec);
    a.behavior.scaleUp.policies.pop();
    expect(parseSpec(minimalSpec).behavior.scaleUp.policies).toHaveLength(2);
  });

  it("keeps metadata it does not know and a valid status", () => {
    const result = parsePool({
      apiVersion: "imagebot.dev/v1alpha1",
      kind: "ImageWorkerPool",
      metadata: { name: "p", namespace: "ns", generation: 3, uid: "u-1", labels: { app: "imagebot" } },
      spec: minimalSpec,
      status: {
        observedGeneration: 3,
        replicas: 2,
        desiredReplicas: 4,
        recommendations: [{ timestamp: "2025-01-01T00:00:00Z", replicas: 4 }],
        conditions: [
          {
            type: "Ready",
            status: "True",
            observedGeneration: 3,
            lastTransitionTime: "2025-01-01T00:00:00Z",
            reason: "Scaled",
            message: "4 replicas",
          },
        ],
      },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.pool.metadata.labels).toEqual({ app: "imagebot" });
    expect(result.pool.status?.desiredReplicas).toBe(4);
  });

  it("names every bad field in one message", () => {
    const result = parsePool({
      apiVersion: "imagebot.dev/v1alpha1",
      kind: "ImageWorkerPool",
      metadata: { name: "p" },
      spec: { ...minimalSpec, minReplicas: -1, queue: { targetLength: 0 } },
    });
    expect(result).toEqual({
      ok: false,
      message: "spec.minReplicas: must be at least 0; spec.queue.targetLength: must be at least 1",
    });
  });

  it("rejects a status condition that is not a metav1.Condition", () => {
    const result = parsePool({
      apiVersion: "imagebot.dev/v1alpha1",
      kind: "ImageWorkerPool",
      metadata: { name: "p" },
      spec: minimalSpec,
      status: {
        conditions: [{ type: "Ready", status: "yes", lastTransitionTime: "now", reason: "", message: "" }],
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain("status.conditions[0].status:");
    expect(result.message).toContain("status.conditions[0].lastTransitionTime:");
  });
});

describe("specDurations", () => {
  it("turns the spec's durations into milliseconds", () => {
    const spec = parseSpec({ ...minimalSpec, users: { window: "1h30m" }, pollInterval: "1.5s" });
    expect(specDurations(spec)).toEqual({ usersWindowMs: 5_400_000, pollIntervalMs: 1500 });
  });
});

describe("the CRD file", () => {
  const crd = parse(readFileSync(new URL("../../crds/imageworkerpool.yaml", import.meta.url), "utf8"));

  it("names the group, version and kind the operator uses", () => {
    expect(crd.metadata.name).toBe(`${PLURAL}.${GROUP}`);
    expect(crd.spec.names.kind).toBe(KIND);
    expect(crd.spec.versions[0].name).toBe(VERSION);
  });

  it("describes every field, so kubectl explain teaches the API", () => {
    const undocumented: string[] = [];
    const walk = (schema: Record<string, unknown>, path: string) => {
      if (path !== "" && path !== ".metadata" && typeof schema.description !== "string")
        undocumented.push(path);
      const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [key, child] of Object.entries(properties)) walk(child, `${path}.${key}`);
      if (schema.items) walk(schema.items as Record<string, unknown>, `${path}[]`);
    };
    walk(crd.spec.versions[0].schema.openAPIV3Schema, "");
    expect(undocumented).toEqual([]);
  });
});
