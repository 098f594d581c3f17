import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { CoreV1Api, CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import { GROUP, PLURAL, VERSION } from "../../operator/api/types.js";
import { applyCrdFile, createDeployment, createPool } from "../../test/harness/workloads.js";
import type { DemoSettings } from "./settings.js";

const run = promisify(execFile);

export const NAMESPACE = "imagebot";
export const DEPLOYMENT = "worker-image";
export const POOL = "images";
export const QUEUE = "img_queue";

/** Runs the real kubectl against the demo's control plane; resolves with its stdout. */
export type Kubectl = (args: string[]) => Promise<string>;

export function kubectlFor(binDir: string, kubeconfig: string): Kubectl {
  return async (args) => {
    const { stdout } = await run(join(binDir, "kubectl"), args, {
      env: { ...process.env, KUBECONFIG: kubeconfig },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  };
}

export function adminKubeConfig(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

/** Installs the CRD, then the namespace, the worker Deployment (1 replica) and the ImageWorkerPool. */
export async function setUpCluster(
  kc: KubeConfig,
  cp: { binDir: string; adminKubeconfig: string },
  redisUrl: string,
  s: DemoSettings,
): Promise<void> {
  await applyCrdFile(cp.binDir, cp.adminKubeconfig);
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NAMESPACE } } });
  // no kubelet runs here: sim/demo/local-kubelet.ts runs the Deployment's replicas as local processes
  await createDeployment(kc, NAMESPACE, DEPLOYMENT, 1);
  await createPool(kc, NAMESPACE, POOL, {
    scaleTargetRef: { name: DEPLOYMENT },
    minReplicas: 1,
    maxReplicas: s.maxReplicas,
    redis: { url: redisUrl },
    queue: { kind: "bullmq", name: QUEUE, targetLength: s.targetLength },
    users: { window: `${s.usersWindowSeconds}s`, perWorker: s.perWorker },
    pollInterval: "2s",
    behavior: { scaleDown: { stabilizationWindowSeconds: s.scaleDownStabilizationSeconds } },
  });
}

export type PoolView = { activeUsers: number; queueLength: number; desiredReplicas: number };

/** The pool's status as the operator last wrote it. */
export async function readPool(kc: KubeConfig): Promise<PoolView> {
  const obj = (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: NAMESPACE,
    plural: PLURAL,
    name: POOL,
  })) as { status?: { activeUsers?: number; queueLength?: number; desiredReplicas?: number } };
  return {
    activeUsers: obj.status?.activeUsers ?? 0,
    queueLength: obj.status?.queueLength ?? 0,
    desiredReplicas: obj.status?.desiredReplicas ?? 0,
  };
}
