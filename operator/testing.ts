// Helpers for the operator's integration tests (real API server, real Redis).

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CustomObjectsApi, type KubeConfig, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { pino } from "pino";
import { parse as parseYaml } from "yaml";
import { parseEnv } from "../common/config.js";
import { applyCrd, kubeconfigForServiceAccount, testKubeConfig } from "../test/harness/k8s.js";
import { crdPath } from "../test/harness/workloads.js";
import { GROUP, PLURAL, VERSION } from "./api/types.js";
import { type RunningOperator, startOperator } from "./app.js";
import { operatorConfigSchema } from "./config.js";

export const rbacPath = fileURLToPath(
  new URL("../charts/imagebot/files/operator-rbac.yaml", import.meta.url),
);

export async function installCrd(): Promise<void> {
  await applyCrd(crdPath);
}

export { createDeployment, createPool, deploymentReplicas } from "../test/harness/workloads.js";

export type PoolObject = {
  spec: Record<string, unknown>;
  status?: {
    replicas?: number;
    desiredReplicas?: number;
    activeUsers?: number;
    queueLength?: number;
    consecutiveFailures?: number;
    conditions?: { type: string; status: string; reason: string; message: string }[];
  };
};

export async function getPool(kc: KubeConfig, namespace: string, name: string): Promise<PoolObject> {
  return (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: PLURAL,
    name,
  })) as PoolObject;
}

export function condition(pool: PoolObject, type: string) {
  return pool.status?.conditions?.find((c) => c.type === type);
}

/**
 * A kubeconfig for the operator's ServiceAccount with exactly the chart's ClusterRole, bound in
 * one namespace (the operator then watches that namespace).
 */
export async function operatorKubeconfig(namespace: string): Promise<string> {
  const admin = testKubeConfig();
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  const role = parseYaml(readFileSync(rbacPath, "utf8"));
  const roleName = `imagebot-operator-${namespace}`;
  await rbac.createClusterRole({ body: { ...role, metadata: { name: roleName } } });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: "imagebot-operator" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleName },
      subjects: [{ kind: "ServiceAccount", name: "imagebot-operator", namespace }],
    },
  });
  return kubeconfigForServiceAccount(namespace, "imagebot-operator");
}

/** Runs the operator in this process, as its ServiceAccount, watching one namespace. */
export async function runOperator(
  namespace: string,
  kubeconfigPath: string,
  env: Record<string, string> = {},
) {
  const cfg = parseEnv(operatorConfigSchema, {
    WATCH_NAMESPACE: namespace,
    METRICS_PORT: "0",
    LEADER_ELECTION: "false",
    LOG_LEVEL: process.env.OPERATOR_TEST_LOG ?? "silent",
    ...env,
  });
  const log = pino({ level: cfg.LOG_LEVEL });
  const op: RunningOperator = await startOperator(cfg, testKubeConfig(kubeconfigPath), log, () => {});
  return op;
}
