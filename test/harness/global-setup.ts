import { rmSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { type ControlPlane, startControlPlane } from "./control-plane.js";
import { type RedisServer, startRedisServer } from "./redis-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
    kubeconfigPath: string;
    k8sServer: string;
    pkiDir: string;
    caCert: string;
    k8sBinDir: string;
  }
}

let redis: RedisServer | undefined;
let cp: ControlPlane | undefined;

/** Once per test run: one real redis-server and one real control plane, shared by all files. */
export async function setup(project: TestProject): Promise<void> {
  [redis, cp] = await Promise.all([startRedisServer(), startControlPlane()]);
  project.provide("redisUrl", redis.url);
  project.provide("kubeconfigPath", cp.adminKubeconfig);
  project.provide("k8sServer", cp.server);
  project.provide("pkiDir", cp.pki.dir);
  project.provide("caCert", cp.pki.caCert);
  project.provide("k8sBinDir", cp.binDir);
}

export async function teardown(): Promise<void> {
  await Promise.all([redis?.stop(), cp?.stop()]);
  if (cp && !process.env.KEEP_CONTROL_PLANE) rmSync(cp.dir, { recursive: true, force: true });
}
