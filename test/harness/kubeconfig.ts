import { readFileSync, writeFileSync } from "node:fs";

const b64 = (path: string) => readFileSync(path).toString("base64");

export type KubeconfigUser = { clientCert: string; clientKey: string } | { token: string };

/** Writes a kubeconfig (JSON, which kubectl, helm and client-node all read) with inline data. */
export function writeKubeconfig(
  path: string,
  opts: { server: string; caCert: string; userName: string; user: KubeconfigUser; namespace?: string },
): string {
  const user =
    "token" in opts.user
      ? { token: opts.user.token }
      : {
          "client-certificate-data": b64(opts.user.clientCert),
          "client-key-data": b64(opts.user.clientKey),
        };
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "imagebot-test",
        cluster: { server: opts.server, "certificate-authority-data": b64(opts.caCert) },
      },
    ],
    users: [{ name: opts.userName, user }],
    contexts: [
      {
        name: opts.userName,
        context: { cluster: "imagebot-test", user: opts.userName, namespace: opts.namespace ?? "default" },
      },
    ],
    "current-context": opts.userName,
    preferences: {},
  };
  writeFileSync(path, JSON.stringify(config, null, 2), { mode: 0o600 });
  return path;
}
