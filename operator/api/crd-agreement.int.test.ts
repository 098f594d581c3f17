import { fileURLToPath } from "node:url";
import { ApiException, CustomObjectsApi } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { applyCrd, createTestNamespace, testKubeConfig } from "../../test/harness/k8s.js";
import { poolExamples } from "./examples.js";
import { parsePool } from "./schema.js";
import { GROUP, PLURAL, VERSION } from "./types.js";

const CRD_PATH = fileURLToPath(new URL("../../crds/imageworkerpool.yaml", import.meta.url));

type Created = { spec?: unknown; status?: unknown; metadata?: { resourceVersion?: string } };

/** Creates the object; an Invalid (422) or BadRequest (400) answer is a rejection, anything else throws. */
async function create(
  api: CustomObjectsApi,
  namespace: string,
  body: Record<string, unknown>,
): Promise<{ accepted: true; object: Created } | { accepted: false; reason: string }> {
  try {
    const object = (await api.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURAL,
      body,
    })) as Created;
    return { accepted: true, object };
  } catch (err) {
    if (err instanceof ApiException && (err.code === 422 || err.code === 400)) {
      const body = err.body as { message?: string } | string;
      return {
        accepted: false,
        reason: typeof body === "string" ? body : (body.message ?? String(err.code)),
      };
    }
    throw err;
  }
}

describe("the CRD and the zod schema agree", () => {
  let api: CustomObjectsApi;
  let namespace: string;

  beforeAll(async () => {
    await applyCrd(CRD_PATH);
    api = testKubeConfig().makeApiClient(CustomObjectsApi);
    namespace = await createTestNamespace("crd-agreement");
  });

  it.each(poolExamples)("judges $name alike (valid: $valid): $why", async (example) => {
    const zod = parsePool(example.object);
    const server = await create(api, namespace, structuredClone(example.object));

    const verdicts = {
      zod: zod.ok ? "accepted" : `rejected: ${zod.message}`,
      server: server.accepted ? "accepted" : `rejected: ${server.reason}`,
    };
    expect(zod.ok, JSON.stringify(verdicts)).toBe(example.valid);
    expect(server.accepted, JSON.stringify(verdicts)).toBe(example.valid);

    // both apply the same defaults: the stored spec is the spec zod returns
    if (server.accepted && zod.ok) expect(server.object.spec).toEqual(zod.pool.spec);
  });

  it("stores a status the zod schema reads back", async () => {
    const minimal = poolExamples.find((e) => e.name === "minimal");
    if (!minimal) throw new Error("the minimal example is missing");
    const name = "status-round-trip";
    const created = await create(api, namespace, {
      ...structuredClone(minimal.object),
      metadata: { name },
    });
    if (!created.accepted) throw new Error(created.reason);

    const status = {
      observedGeneration: 1,
      replicas: 3,
      desiredReplicas: 7,
      activeUsers: 210,
      queueLength: 12,
      activeJobs: 3,
      delayedJobs: 1,
      lastScaleTime: "2025-01-01T00:00:00Z",
      lastMetricsTime: "2025-01-01T00:00:05Z",
      consecutiveFailures: 0,
      recommendations: [{ timestamp: "2025-01-01T00:00:00Z", replicas: 7 }],
      scaleEvents: [{ timestamp: "2025-01-01T00:00:00Z", change: 4 }],
      conditions: [
        {
          type: "Ready",
          status: "True",
          observedGeneration: 1,
          lastTransitionTime: "2025-01-01T00:00:00Z",
          reason: "UsersRule",
          message: "210 active users, users/30 → 7",
        },
      ],
    };
    const updated = (await api.replaceNamespacedCustomObjectStatus({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURAL,
      name,
      body: { ...created.object, status },
    })) as Created;

    expect(updated.status).toEqual(status);
    const parsed = parsePool(updated);
    expect(parsed.ok ? parsed.pool.status : parsed.message).toEqual(status);
  });
});
