import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { request } from "node:https";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitUntil } from "./free-port.js";
import { writeKubeconfig } from "./kubeconfig.js";
import { createClientCert, createPki, type Pki } from "./pki.js";
import { type Managed, startProcess } from "./process.js";

export const K8S_VERSION = "v1.37.2";

/** Where test/harness/build-control-plane.sh caches kube-apiserver, etcd, kubectl and helm. */
export function k8sBinDir(): string {
  return (
    process.env.IMAGEBOT_K8S_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "imagebot", `k8s-${K8S_VERSION}`)
  );
}

export type ControlPlane = {
  server: string;
  dir: string;
  pki: Pki;
  /** Kubeconfig of an admin in system:masters. */
  adminKubeconfig: string;
  binDir: string;
  stop: () => Promise<void>;
};

/**
 * Starts etcd and kube-apiserver (envtest-style: no kubelet, no controller-manager) on free
 * loopback ports with certificates made for the run, RBAC on, and waits until /readyz answers.
 */
export async function startControlPlane(binDir = k8sBinDir()): Promise<ControlPlane> {
  for (const bin of ["etcd", "kube-apiserver"]) {
    if (!existsSync(join(binDir, bin))) {
      throw new Error(
        `${join(binDir, bin)} is missing: run "make k8s-binaries" (test/harness/build-control-plane.sh) first`,
      );
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "imagebot-cp-"));
  const pkiDir = join(dir, "pki");
  mkdirSync(pkiDir);
  const pki = await createPki(pkiDir);
  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];

  const etcd = startProcess(
    "etcd",
    join(binDir, "etcd"),
    [
      "--data-dir",
      join(dir, "etcd"),
      "--listen-client-urls",
      `http://127.0.0.1:${etcdPort}`,
      "--advertise-client-urls",
      `http://127.0.0.1:${etcdPort}`,
      "--listen-peer-urls",
      `http://127.0.0.1:${peerPort}`,
      "--initial-advertise-peer-urls",
      `http://127.0.0.1:${peerPort}`,
      "--initial-cluster",
      `default=http://127.0.0.1:${peerPort}`,
      "--unsafe-no-fsync=true",
      "--quota-backend-bytes",
      String(2 * 1024 ** 3),
    ],
    join(dir, "etcd.log"),
  );
  const server = `https://127.0.0.1:${apiPort}`;
  let apiserver: Managed | undefined;
  const stop = async () => {
    await apiserver?.stop();
    await etcd.stop();
  };
  try {
    await waitUntil(
      `etcd (log: ${etcd.logPath})`,
      async () => {
        if (etcd.child.exitCode !== null) throw new Error(`etcd exited; see ${etcd.logPath}`);
        const res = await fetch(`http://127.0.0.1:${etcdPort}/health`);
        return res.ok;
      },
      20_000,
    );
    apiserver = startProcess(
      "kube-apiserver",
      join(binDir, "kube-apiserver"),
      [
        `--etcd-servers=http://127.0.0.1:${etcdPort}`,
        `--cert-dir=${join(dir, "apiserver-certs")}`,
        `--tls-cert-file=${pki.servingCert}`,
        `--tls-private-key-file=${pki.servingKey}`,
        `--secure-port=${apiPort}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        "--service-cluster-ip-range=10.0.0.0/24",
        "--allow-privileged=true",
        "--disable-admission-plugins=ServiceAccount",
        "--authorization-mode=RBAC",
        `--client-ca-file=${pki.caCert}`,
        `--service-account-issuer=${server}/`,
        `--service-account-key-file=${pki.saPub}`,
        `--service-account-signing-key-file=${pki.saKey}`,
        "--endpoint-reconciler-type=none",
        "--v=1",
      ],
      join(dir, "kube-apiserver.log"),
    );
    const admin = await createClientCert(pkiDir, "imagebot-admin", ["system:masters"]);
    const adminKubeconfig = writeKubeconfig(join(dir, "admin.kubeconfig"), {
      server,
      caCert: pki.caCert,
      userName: "admin",
      user: { clientCert: admin.cert, clientKey: admin.key },
    });
    const proc = apiserver;
    await waitUntil(
      `kube-apiserver /readyz (log: ${proc.logPath})`,
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`kube-apiserver exited; see ${proc.logPath}`);
        return (await getStatus(`${server}/readyz`, pki.caCert, admin)) === 200;
      },
      90_000,
      250,
    );
    return { server, dir, pki, adminKubeconfig, binDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function getStatus(url: string, caPath: string, client: { cert: string; key: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca: readFileSync(caPath),
        cert: readFileSync(client.cert),
        key: readFileSync(client.key),
        timeout: 2000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end();
  });
}
