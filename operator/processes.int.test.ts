import { type ChildProcess, spawn } from "node:child_process";
import { AppsV1Api, CoordinationV1Api, CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, waitUntil } from "../test/harness/free-port.js";
import { createTestNamespace, testKubeConfig } from "../test/harness/k8s.js";
import { testRedis, testRedisUrl, uniqueName } from "../test/harness/redis.js";
import {
  createDeployment,
  createPool,
  deploymentReplicas,
  installCrd,
  operatorKubeconfig,
} from "./testing.js";

const admin = testKubeConfig();
const children: ChildProcess[] = [];
beforeAll(installCrd);
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

function startOperatorProcess(namespace: string, kubeconfig: string, identity: string, port: number) {
  const child = spawn(process.execPath, ["--import", "tsx", "operator/main.ts"], {
    env: {
      PATH: process.env.PATH,
      KUBECONFIG: kubeconfig,
      WATCH_NAMESPACE: namespace,
      METRICS_PORT: String(port),
      LEADER_ELECTION: "true",
      LEADER_ELECTION_NAMESPACE: namespace,
      LEASE_DURATION: "3s",
      RENEW_DEADLINE: "2s",
      RETRY_PERIOD: "250ms",
      POD_NAME: identity,
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  children.push(child);
  return { child, output: () => output, exited: new Promise<number | null>((r) => child.once("exit", r)) };
}

async function holder(namespace: string): Promise<string | undefined> {
  try {
    const lease = await admin
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ namespace, name: "imagebot-operator" });
    return lease.spec?.holderIdentity || undefined;
  } catch {
    return undefined;
  }
}

describe("operator processes", () => {
  it("two replicas: one leads and scales; stop it and the other takes over", async () => {
    const namespace = await createTestNamespace("op-leader");
    const kubeconfig = await operatorKubeconfig(namespace);
    const users = uniqueName("users");
    await createDeployment(admin, namespace, "worker-image", 1);
    await createPool(admin, namespace, "images", {
      scaleTargetRef: { name: "worker-image" },
      redis: { url: testRedisUrl() },
      users: { key: users },
      pollInterval: "300ms",
    });
    const [pa, pb] = [await freePort(), await freePort()];
    const a = startOperatorProcess(namespace, kubeconfig, "op-a", pa);
    await waitUntil("op-a leads", async () => (await holder(namespace)) === "op-a", 30_000);
    const b = startOperatorProcess(namespace, kubeconfig, "op-b", pb);
    await waitUntil("op-b ready", async () => (await fetch(`http://127.0.0.1:${pb}/readyz`)).ok, 30_000);
    expect(await holder(namespace)).toBe("op-a");

    const redis = testRedis();
    const now = Date.now();
    await redis.zadd(users, ...Array.from({ length: 60 }, (_, i) => [now, `u${i}`]).flat());
    await waitUntil(
      "2 replicas",
      async () => (await deploymentReplicas(admin, namespace, "worker-image")) === 2,
      15_000,
    );
    const metrics = await (await fetch(`http://127.0.0.1:${pa}/metrics`)).text();
    expect(metrics).toMatch(
      /imagebot_operator_desired_replicas\{namespace="[^"]+",pool="images",program="operator"\} 2/,
    );

    // SIGTERM: a clean stop releases the lease, so op-b takes over well within the lease duration
    a.child.kill("SIGTERM");
    expect(await a.exited).toBe(0);
    await waitUntil("op-b leads", async () => (await holder(namespace)) === "op-b", 5_000);
    await redis.zadd(users, ...Array.from({ length: 120 }, (_, i) => [Date.now(), `u${i}`]).flat());
    await waitUntil(
      "4 replicas",
      async () => (await deploymentReplicas(admin, namespace, "worker-image")) === 4,
      15_000,
    );
    await redis.quit();

    // SIGKILL of the leader: a new replica takes the lease after it runs out
    const c = startOperatorProcess(namespace, kubeconfig, "op-c", await freePort());
    b.child.kill("SIGKILL");
    await waitUntil("op-c leads", async () => (await holder(namespace)) === "op-c", 15_000);
    c.child.kill("SIGTERM");
    await c.exited;
  });

  it("runs with exactly its RBAC rules and is denied what they do not grant", async () => {
    const namespace = await createTestNamespace("op-rbac");
    const kc = testKubeConfig(await operatorKubeconfig(namespace));
    await createDeployment(admin, namespace, "worker-image", 1);
    const code = async (p: Promise<unknown>) =>
      p.then(
        () => 200,
        (e: { code?: number }) => e.code,
      );
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    // granted: the scale subresource
    expect(await code(apps.readNamespacedDeploymentScale({ namespace, name: "worker-image" }))).toBe(200);
    // not granted: listing Secrets, deleting or reading whole Deployments, touching Pods
    expect(await code(core.listNamespacedSecret({ namespace }))).toBe(403);
    expect(await code(apps.deleteNamespacedDeployment({ namespace, name: "worker-image" }))).toBe(403);
    expect(await code(apps.readNamespacedDeployment({ namespace, name: "worker-image" }))).toBe(403);
    expect(await code(core.listNamespacedPod({ namespace }))).toBe(403);
  });
});
