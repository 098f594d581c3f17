import { execFile } from "node:child_process";
import { join } from "node:path";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { inject } from "vitest";
import { writeKubeconfig } from "./kubeconfig.js";
import { createClientCert } from "./pki.js";
import { uniqueName } from "./redis.js";
import { applyCrdFile } from "./workloads.js";

/** The admin kubeconfig path of the run's control plane. */
export function testKubeconfigPath(): string {
  return inject("kubeconfigPath");
}

/** A client-node KubeConfig for the run's control plane, as an admin (system:masters). */
export function testKubeConfig(path = testKubeconfigPath()): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

/** Creates a namespace of its own for one test. */
export async function createTestNamespace(prefix: string): Promise<string> {
  const name = uniqueName(
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, "-")
      .slice(0, 40),
  );
  await testKubeConfig()
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name } } });
  return name;
}

/** Applies a CRD from a YAML file and waits until it is Established (see applyCrdFile). */
export async function applyCrd(path: string): Promise<void> {
  await applyCrdFile(inject("k8sBinDir"), testKubeconfigPath(), path);
}

/** Mints a kubeconfig for a user with the given groups (client certificate signed by the run's CA). */
export async function kubeconfigForUser(user: string, groups: string[] = []): Promise<string> {
  const pkiDir = inject("pkiDir");
  const { cert, key } = await createClientCert(pkiDir, user, groups);
  return writeKubeconfig(join(pkiDir, `${uniqueName("user")}.kubeconfig`), {
    server: inject("k8sServer"),
    caCert: inject("caCert"),
    userName: user,
    user: { clientCert: cert, clientKey: key },
  });
}

/**
 * Mints a kubeconfig for a ServiceAccount: creates it when missing and asks the API server for a
 * token (TokenRequest), exactly as a pod's projected token would be issued.
 */
export async function kubeconfigForServiceAccount(namespace: string, name: string): Promise<string> {
  const core = testKubeConfig().makeApiClient(CoreV1Api);
  try {
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  } catch (err) {
    if ((err as { code?: number }).code !== 409) throw err;
  }
  const tr = await core.createNamespacedServiceAccountToken({
    namespace,
    name,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const token = tr.status?.token;
  if (!token) throw new Error(`no token issued for ${namespace}/${name}`);
  return writeKubeconfig(join(inject("pkiDir"), `${uniqueName(`sa-${name}`)}.kubeconfig`), {
    server: inject("k8sServer"),
    caCert: inject("caCert"),
    userName: `system:serviceaccount:${namespace}:${name}`,
    user: { token },
    namespace,
  });
}

export type RunResult = { stdout: string; stderr: string; code: number };

function runBinary(
  bin: string,
  args: string[],
  opts: { kubeconfig?: string; input?: string },
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      join(inject("k8sBinDir"), bin),
      args,
      {
        env: { ...process.env, KUBECONFIG: opts.kubeconfig ?? testKubeconfigPath(), HOME: process.env.HOME },
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ stdout, stderr, code });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Runs the real kubectl against the run's control plane (admin unless another kubeconfig is given). */
export function kubectl(
  args: string[],
  opts: { kubeconfig?: string; input?: string } = {},
): Promise<RunResult> {
  return runBinary("kubectl", args, opts);
}

/** Runs the real helm against the run's control plane. */
export function helm(args: string[], opts: { kubeconfig?: string; input?: string } = {}): Promise<RunResult> {
  return runBinary("helm", args, opts);
}
