import { AutoscalingV2Api, CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../test/harness/free-port.js";
import { createTestNamespace, kubectl, testKubeConfig } from "../test/harness/k8s.js";
import { testRedis, testRedisUrl, uniqueName } from "../test/harness/redis.js";
import { startRedisServer } from "../test/harness/redis-server.js";
import type { RunningOperator } from "./app.js";
import {
  condition,
  createDeployment,
  createPool,
  deploymentReplicas,
  getPool,
  installCrd,
  operatorKubeconfig,
  runOperator,
} from "./testing.js";

const admin = testKubeConfig();
const redis = testRedis();
const running: RunningOperator[] = [];

beforeAll(installCrd);
afterAll(async () => {
  await Promise.all(running.map((o) => o.stop()));
  await redis.quit();
});

async function setup(prefix: string) {
  const namespace = await createTestNamespace(prefix);
  const kubeconfig = await operatorKubeconfig(namespace);
  const op = await runOperator(namespace, kubeconfig);
  running.push(op);
  return { namespace, kubeconfig, op };
}

async function events(namespace: string): Promise<{ reason: string; message: string; type: string }[]> {
  const list = await admin.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace });
  return list.items.map((e) => ({ reason: e.reason ?? "", message: e.message ?? "", type: e.type ?? "" }));
}

function baseSpec(queue: string, users: string, url = testRedisUrl()) {
  return {
    scaleTargetRef: { name: "worker-image" },
    minReplicas: 1,
    maxReplicas: 20,
    redis: { url },
    queue: { name: queue, targetLength: 50 },
    users: { key: users, window: "5m", perWorker: 30 },
    pollInterval: "300ms",
    behavior: {
      // the default step (+100% or +4 per 15 s) would reach 7 from 1 in two steps, 15 s apart
      scaleUp: { policies: [{ type: "Pods", value: 20, periodSeconds: 15 }] },
      scaleDown: { stabilizationWindowSeconds: 2 },
    },
  };
}

async function addUsers(key: string, n: number) {
  const now = Date.now();
  const args: (string | number)[] = [];
  for (let i = 0; i < n; i++) args.push(now, `u${i}`);
  if (args.length) await redis.zadd(key, ...args);
}

describe("the operator against a real API server and Redis", () => {
  it("scales the Deployment with active users, explains it, and scales down after the window", async () => {
    const { namespace, op } = await setup("op-scale");
    const queue = uniqueName("q");
    const users = uniqueName("users");
    await createDeployment(admin, namespace, "worker-image", 1);
    await createPool(admin, namespace, "images", baseSpec(queue, users));
    await waitUntil("operator ready", async () => op.ready(), 10_000);

    await addUsers(users, 210);
    await waitUntil(
      "7 replicas",
      async () => (await deploymentReplicas(admin, namespace, "worker-image")) === 7,
      15_000,
    );
    // the status is written right after the scale
    await waitUntil(
      "status",
      async () => (await getPool(admin, namespace, "images")).status?.replicas === 7,
      10_000,
    );
    const pool = await getPool(admin, namespace, "images");
    expect(pool.status).toMatchObject({ activeUsers: 210, queueLength: 0, replicas: 7, desiredReplicas: 7 });
    expect(condition(pool, "Ready")).toMatchObject({ status: "True" });
    expect(condition(pool, "MetricsAvailable")).toMatchObject({ status: "True" });
    await waitUntil(
      "scale event",
      async () =>
        (await events(namespace)).some(
          (e) =>
            e.reason === "ScaledUp" && /Scaled worker-image from 1 to 7: 210 active users/.test(e.message),
        ),
      10_000,
    );

    // kubectl get iwp shows the printer columns
    const table = await kubectl(["get", "iwp", "-n", namespace]);
    expect(table.code, table.stderr).toBe(0);
    const [header, row] = table.stdout.trim().split("\n");
    expect(header?.split(/\s+/)).toEqual(
      expect.arrayContaining(["NAME", "TARGET", "USERS", "QUEUE", "DESIRED", "REPLICAS", "AGE"]),
    );
    expect(row?.split(/\s+/).slice(0, 6)).toEqual(["images", "worker-image", "210", "0", "7", "7"]);

    // users leave: held for the 2 s stabilization window, then down to minReplicas
    await redis.del(users);
    const left = Date.now();
    await waitUntil(
      "1 replica",
      async () => (await deploymentReplicas(admin, namespace, "worker-image")) === 1,
      20_000,
    );
    expect(Date.now() - left).toBeGreaterThanOrEqual(1500);
    expect(
      (await events(namespace)).some((e) => e.reason === "ScaledDown" && /from 7 to 1/.test(e.message)),
    ).toBe(true);
  });

  it("scales on waiting jobs, counting prioritized ones, woken by the jobs rather than the poll", async () => {
    const { namespace } = await setup("op-queue");
    const queue = uniqueName("q");
    await createDeployment(admin, namespace, "worker-image", 2);
    // a poll this slow never runs during the test: only the queue's events can wake the pool
    await createPool(admin, namespace, "images", {
      ...baseSpec(queue, uniqueName("users")),
      pollInterval: "1h",
    });
    await waitUntil(
      "first reconcile",
      async () => (await getPool(admin, namespace, "images")).status?.replicas === 2,
      10_000,
    );
    // the events stream is followed from the first reconcile on; give the reader a moment to block on it
    await new Promise((r) => setTimeout(r, 500));
    const { Queue } = await import("bullmq");
    const q = new Queue(queue, { connection: { url: testRedisUrl() } });
    await q.addBulk(
      Array.from({ length: 150 }, (_, i) => ({
        name: "img",
        data: { i },
        opts: { priority: i % 2 ? 1 : undefined },
      })),
    );
    // 150 waiting at 2 replicas, target 50: ceil(2 × 150 / 50) = 6. A wake can land mid-burst and
    // scale on part of it first; the rule is relative to current replicas, so it ends at 6 or more.
    await waitUntil(
      "6 or more replicas",
      async () => (await deploymentReplicas(admin, namespace, "worker-image")) >= 6,
      15_000,
    );
    await waitUntil(
      "queue seen",
      async () => (await getPool(admin, namespace, "images")).status?.queueLength === 150,
      10_000,
    );
    await q.obliterate({ force: true });
    await q.close();
  });

  it("holds replicas while Redis is unreachable and resumes when it returns", async () => {
    const { namespace } = await setup("op-redis-down");
    const own = await startRedisServer();
    const users = uniqueName("users");
    await createDeployment(admin, namespace, "worker-image", 1);
    await createPool(admin, namespace, "images", baseSpec(uniqueName("q"), users, own.url));
    const ownRedis = new (await import("ioredis")).Redis(own.url);
    const now = Date.now();
    await ownRedis.zadd(users, ...Array.from({ length: 90 }, (_, i) => [now, `u${i}`]).flat());
    ownRedis.disconnect();
    await waitUntil(
      "3 replicas",
      async () => (await deploymentReplicas(admin, namespace, "worker-image")) === 3,
      15_000,
    );

    await own.stop();
    await waitUntil(
      "MetricsAvailable=False",
      async () =>
        condition(await getPool(admin, namespace, "images"), "MetricsAvailable")?.status === "False",
      15_000,
    );
    // several polls later, still 3: missing data never scales down
    await waitUntil(
      "two failed reads",
      async () => ((await getPool(admin, namespace, "images")).status?.consecutiveFailures ?? 0) >= 2,
      15_000,
    );
    expect(await deploymentReplicas(admin, namespace, "worker-image")).toBe(3);
    const pool = await getPool(admin, namespace, "images");
    expect(condition(pool, "MetricsAvailable")?.reason).toBe("RedisUnavailable");
    expect(pool.status?.consecutiveFailures).toBeGreaterThanOrEqual(2);

    const back = await startRedisServer(own.port);
    const r2 = new (await import("ioredis")).Redis(back.url);
    const t = Date.now();
    await r2.zadd(users, ...Array.from({ length: 150 }, (_, i) => [t, `u${i}`]).flat());
    r2.disconnect();
    await waitUntil(
      "5 replicas",
      async () => (await deploymentReplicas(admin, namespace, "worker-image")) === 5,
      20_000,
    );
    // the status is written right after the scale
    await waitUntil(
      "MetricsAvailable=True",
      async () => condition(await getPool(admin, namespace, "images"), "MetricsAvailable")?.status === "True",
      10_000,
    );
    expect((await getPool(admin, namespace, "images")).status?.consecutiveFailures).toBe(0);
    await back.stop();
  });

  it("marks a pool whose Deployment is missing, with a Warning event", async () => {
    const { namespace } = await setup("op-missing");
    await createPool(admin, namespace, "images", {
      ...baseSpec(uniqueName("q"), uniqueName("u")),
      scaleTargetRef: { name: "nope" },
    });
    await waitUntil(
      "TargetNotFound",
      async () => condition(await getPool(admin, namespace, "images"), "Ready")?.reason === "TargetNotFound",
      15_000,
    );
    expect((await events(namespace)).some((e) => e.type === "Warning" && e.reason === "TargetNotFound")).toBe(
      true,
    );
  });

  it("stands aside when a HorizontalPodAutoscaler owns the same Deployment", async () => {
    const { namespace } = await setup("op-hpa");
    const users = uniqueName("users");
    await createDeployment(admin, namespace, "worker-image", 2);
    await admin.makeApiClient(AutoscalingV2Api).createNamespacedHorizontalPodAutoscaler({
      namespace,
      body: {
        metadata: { name: "cpu" },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "worker-image" },
          minReplicas: 1,
          maxReplicas: 5,
        },
      },
    });
    await addUsers(users, 300);
    await createPool(admin, namespace, "images", baseSpec(uniqueName("q"), users));
    await waitUntil(
      "ConflictingAutoscaler",
      async () =>
        condition(await getPool(admin, namespace, "images"), "Ready")?.reason === "ConflictingAutoscaler",
      15_000,
    );
    expect(await deploymentReplicas(admin, namespace, "worker-image")).toBe(2);
    expect(
      (await events(namespace)).some((e) => e.reason === "ConflictingAutoscaler" && /cpu/.test(e.message)),
    ).toBe(true);
  });

  it("has the API server refuse invalid pools with a clear message", async () => {
    const namespace = await createTestNamespace("op-invalid");
    const pool = (spec: string) =>
      `apiVersion: imagebot.dev/v1alpha1\nkind: ImageWorkerPool\nmetadata:\n  name: bad\n  namespace: ${namespace}\nspec:\n  scaleTargetRef: {name: w}\n  redis: {url: "redis://r:6379"}\n${spec}`;
    const cases: [string, RegExp][] = [
      ["  minReplicas: 5\n  maxReplicas: 2\n", /minReplicas must be less than or equal to maxReplicas/],
      [
        "  minReplicas: -1\n",
        /spec.minReplicas: Invalid value: -1: spec.minReplicas in body should be greater than or equal to 0/,
      ],
      [
        '  maxReplicas: "ten"\n',
        /spec.maxReplicas: Invalid value: "string": spec.maxReplicas in body must be of type integer/,
      ],
      [
        "  queue: {kind: kafka}\n",
        /spec.queue.kind: Unsupported value: "kafka": supported values: "bullmq", "list", "stream"/,
      ],
    ];
    for (const [spec, message] of cases) {
      const res = await kubectl(["apply", "-f", "-"], { input: pool(spec) });
      expect(res.code, spec).not.toBe(0);
      expect(res.stderr).toMatch(message);
    }
  });
});
