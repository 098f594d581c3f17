import { readFileSync } from "node:fs";
import { AppsV1Api, CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { runOperator } from "../../operator/testing.js";
import { waitUntil } from "../harness/free-port.js";
import {
  applyCrd,
  createTestNamespace,
  helm,
  kubeconfigForServiceAccount,
  kubectl,
  testKubeConfig,
} from "../harness/k8s.js";
import { testRedis, testRedisUrl } from "../harness/redis.js";

const chart = "charts/imagebot";
const admin = testKubeConfig();
const stops: (() => Promise<void>)[] = [];
beforeAll(() => applyCrd("crds/imageworkerpool.yaml"));
afterAll(async () => {
  for (const s of stops) await s();
});

describe("the Helm chart", () => {
  it("ships the same CRD as crds/", () => {
    expect(readFileSync(`${chart}/crds/imageworkerpool.yaml`, "utf8")).toBe(
      readFileSync("crds/imageworkerpool.yaml", "utf8"),
    );
  });

  it("passes helm lint and refuses a missing token and a second polling bot", async () => {
    const lint = await helm(["lint", chart, "--set", "telegram.token=123:abc"]);
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);
    const noToken = await helm(["template", "t", chart]);
    expect(noToken.code).not.toBe(0);
    expect(noToken.stderr).toMatch(/telegram.token \(the bot token from @BotFather\) is required/);
    const twoPollers = await helm([
      "template",
      "t",
      chart,
      "--set",
      "telegram.token=1:a",
      "--set",
      "bot.replicas=2",
    ]);
    expect(twoPollers.code).not.toBe(0);
    expect(twoPollers.stderr).toMatch(/bot.mode=polling allows one replica/);
  });

  it("leaves the worker Deployment's replicas to the operator", async () => {
    const out = await helm(["template", "t", chart, "--set", "telegram.token=1:a"]);
    expect(out.code, out.stderr).toBe(0);
    const docs = parseAllDocuments(out.stdout).map(
      (d) => d.toJS() as { kind: string; metadata: { name: string }; spec: Record<string, unknown> },
    );
    const worker = docs.find((d) => d.kind === "Deployment" && d.metadata.name === "t-imagebot-worker");
    if (!worker) throw new Error("no worker Deployment rendered");
    expect(worker.spec).not.toHaveProperty("replicas");
    const pod = (worker.spec.template as { spec: { terminationGracePeriodSeconds: number } }).spec;
    // SHUTDOWN_TIMEOUT 25 s + 5 s
    expect(pod.terminationGracePeriodSeconds).toBe(30);
  });

  it("installs on a real API server, and its operator RBAC is enough to scale the workers", async () => {
    const namespace = await createTestNamespace("helm");
    const install = await helm([
      "install",
      "ib",
      chart,
      "-n",
      namespace,
      "--set",
      "telegram.token=123:abc",
      "--set",
      "redis.enabled=false",
      "--set",
      `redis.url=${testRedisUrl()}`,
      "--set",
      "pool.pollInterval=300ms",
    ]);
    expect(install.code, install.stderr).toBe(0);
    const deployments = await admin.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace });
    expect(deployments.items.map((d) => d.metadata?.name).sort()).toEqual([
      "ib-imagebot-bot",
      "ib-imagebot-operator",
      "ib-imagebot-worker",
    ]);
    const secret = await admin
      .makeApiClient(CoreV1Api)
      .readNamespacedSecret({ namespace, name: "ib-imagebot-telegram" });
    expect(Buffer.from(secret.data?.token ?? "", "base64").toString()).toBe("123:abc");
    const pools = await kubectl(["get", "iwp", "-n", namespace, "-o", "name"]);
    expect(pools.stdout.trim()).toBe("imageworkerpool.imagebot.dev/ib-imagebot");

    // no kubelet runs here, so run the operator in this process as the chart's ServiceAccount
    const kubeconfig = await kubeconfigForServiceAccount(namespace, "ib-imagebot-operator");
    const op = await runOperator(namespace, kubeconfig);
    stops.push(() => op.stop());
    const redis = testRedis();
    const now = Date.now();
    await redis.zadd(
      "imagebot:active-users",
      ...Array.from({ length: 95 }, (_, i) => [now, `helm-user-${namespace}-${i}`]).flat(),
    );
    await redis.quit();
    // 95 users (or more, other tests share the key) → at least 4 workers
    await waitUntil(
      "the chart's workers scaled",
      async () => {
        const d = await admin
          .makeApiClient(AppsV1Api)
          .readNamespacedDeployment({ namespace, name: "ib-imagebot-worker" });
        return (d.spec?.replicas ?? 0) >= 4;
      },
      15_000,
    );
    const uninstall = await helm(["uninstall", "ib", "-n", namespace]);
    expect(uninstall.code, uninstall.stderr).toBe(0);
  });
});
