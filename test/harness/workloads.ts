// Objects the operator works on, for tests, benches and the demo. No vitest here, so scripts
// outside the test runner (bench/, sim/demo) can use it too.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { AppsV1Api, CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import { GROUP, PLURAL, VERSION } from "../../operator/api/types.js";

const run = promisify(execFile);

export const crdPath = fileURLToPath(new URL("../../crds/imageworkerpool.yaml", import.meta.url));

/**
 * Applies a CRD file with the real kubectl (`apply --server-side`) and waits until it is
 * Established. (client-node re-encodes a raw object through its own field names, which drops
 * `default`, `enum` and `x-kubernetes-validations` from a schema written as YAML.)
 */
export async function applyCrdFile(binDir: string, kubeconfig: string, path = crdPath): Promise<void> {
  const kubectl = (args: string[]) =>
    run(join(binDir, "kubectl"), args, { env: { ...process.env, KUBECONFIG: kubeconfig } }).catch(
      (err: { stderr?: string }) => {
        throw new Error(`kubectl ${args.join(" ")} failed: ${err.stderr ?? String(err)}`);
      },
    );
  await kubectl(["apply", "--server-side", "--force-conflicts", "-f", path]);
  const { stdout } = await kubectl(["get", "-f", path, "-o", "name"]);
  await kubectl(["wait", "--for=condition=Established", "--timeout=30s", stdout.trim()]);
}

/** A worker Deployment with a pod template (no kubelet or controller-manager runs: it makes no pods). */
export async function createDeployment(
  kc: KubeConfig,
  namespace: string,
  name: string,
  replicas: number,
): Promise<void> {
  await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name, labels: { app: name } },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: "worker", image: "imagebot/worker:test" }] },
        },
      },
    },
  });
}

export async function deploymentReplicas(kc: KubeConfig, namespace: string, name: string): Promise<number> {
  const d = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace, name });
  return d.spec?.replicas ?? 0;
}

export async function createPool(
  kc: KubeConfig,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): Promise<void> {
  await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: PLURAL,
    body: { apiVersion: `${GROUP}/${VERSION}`, kind: "ImageWorkerPool", metadata: { name }, spec },
  });
}
