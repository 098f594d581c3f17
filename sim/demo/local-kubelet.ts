import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, type WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AppsV1Api, type KubeConfig } from "@kubernetes/client-node";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const guard = new URL("./exit-with-parent.ts", import.meta.url).href;

type Pod = {
  name: string;
  child: ChildProcess;
  log: WriteStream;
  ready: boolean;
  terminating: boolean;
  exited: Promise<void>;
};

export type KubeletOptions = {
  namespace: string;
  deployment: string;
  /** the worker's environment (the pod template's env, as it were) */
  env: Record<string, string>;
  /** SIGKILL a terminating worker after this long (terminationGracePeriodSeconds) */
  gracePeriodMs: number;
  pollMs?: number;
  say: (line: string) => void;
};

/**
 * A stand-in for the kubelet and the ReplicaSet controller on this machine: keeps as many
 * `node --import tsx worker/main.ts` processes running as the Deployment's spec.replicas asks.
 * Scale-up spawns; scale-down sends SIGTERM to the newest, whose graceful shutdown finishes or hands
 * back its jobs. It writes the Deployment's status (replicas, readyReplicas) as the controllers would.
 */
export class LocalKubelet {
  private readonly apps: AppsV1Api;
  private readonly pods: Pod[] = [];
  private desired = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private syncing = false;
  private stopped = false;
  private lastStatus = "";
  readonly logDir = mkdtempSync(join(tmpdir(), "imagebot-demo-workers-"));
  /** jobs the workers handed back to the queue at shutdown */
  handedBack = 0;
  /** workers that exited without being asked to */
  crashes = 0;

  constructor(
    kc: KubeConfig,
    private readonly opts: KubeletOptions,
  ) {
    this.apps = kc.makeApiClient(AppsV1Api);
  }

  get desiredReplicas(): number {
    return this.desired;
  }

  /** Worker processes alive and not shutting down, and how many of them are ready. */
  get running(): { alive: number; ready: number; terminating: number } {
    const live = this.pods.filter((p) => !p.terminating);
    return {
      alive: live.length,
      ready: live.filter((p) => p.ready).length,
      terminating: this.pods.length - live.length,
    };
  }

  start(): void {
    const tick = async () => {
      if (this.stopped) return;
      await this.sync().catch((err: unknown) => {
        if (!this.stopped) this.opts.say(`kubelet: ${String(err)}`);
      });
      if (!this.stopped) this.timer = setTimeout(() => void tick(), this.opts.pollMs ?? 500);
    };
    void tick();
  }

  private async sync(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      const d = await this.apps.readNamespacedDeployment({
        namespace: this.opts.namespace,
        name: this.opts.deployment,
      });
      const want = d.spec?.replicas ?? 0;
      if (want !== this.desired) {
        this.opts.say(`kubelet: deployment/${this.opts.deployment} spec.replicas ${this.desired} → ${want}`);
        this.desired = want;
      }
      this.converge();
      await this.writeStatus();
    } finally {
      this.syncing = false;
    }
  }

  private converge(): void {
    if (this.stopped) return;
    let live = this.pods.filter((p) => !p.terminating);
    while (live.length < this.desired) {
      this.spawnWorker();
      live = this.pods.filter((p) => !p.terminating);
    }
    while (live.length > this.desired) {
      const newest = live.at(-1);
      if (!newest) break;
      this.terminate(newest, "scale-down");
      live = this.pods.filter((p) => !p.terminating);
    }
  }

  private spawnWorker(): void {
    this.seq += 1;
    const name = `${this.opts.deployment}-${String(this.seq).padStart(2, "0")}`;
    const log = createWriteStream(join(this.logDir, `${name}.log`));
    log.on("error", () => {});
    const child = spawn(process.execPath, ["--import", "tsx", "--import", guard, "worker/main.ts"], {
      cwd: repoRoot,
      env: { ...process.env, ...this.opts.env },
      // stdin: a pipe the worker watches, to end itself if the demo dies without stopping it
      stdio: ["pipe", "pipe", "pipe"],
      // its own process group: a Ctrl-C in the terminal reaches the demo, which stops workers in order
      detached: true,
    });
    const pod: Pod = {
      name,
      child,
      log,
      ready: false,
      terminating: false,
      exited: new Promise((resolve) => child.once("close", () => resolve())),
    };
    let pending = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      log.write(chunk);
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (line.includes('"msg":"worker started"')) {
          pod.ready = true;
          this.opts.say(`kubelet: ${name} ready (pid ${child.pid})`);
        } else if (line.includes('"msg":"job handed back to the queue at shutdown"')) {
          this.handedBack += 1;
        }
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => log.write(chunk));
    child.once("close", (code, signal) => {
      log.end();
      const i = this.pods.indexOf(pod);
      if (i >= 0) this.pods.splice(i, 1);
      if (!pod.terminating) {
        this.crashes += 1;
        this.opts.say(`kubelet: ${name} exited on its own (code ${code}, signal ${signal}); log ${log.path}`);
      } else {
        this.opts.say(`kubelet: ${name} stopped (code ${code ?? signal})`);
      }
    });
    this.pods.push(pod);
    this.opts.say(`kubelet: started ${name} (pid ${child.pid})`);
  }

  private terminate(pod: Pod, why: string): void {
    pod.terminating = true;
    if (why === "scale-down") this.opts.say(`kubelet: SIGTERM ${pod.name} (scale-down)`);
    pod.child.kill("SIGTERM");
    const killer = setTimeout(() => {
      this.opts.say(`kubelet: ${pod.name} still running after the grace period: SIGKILL`);
      pod.child.kill("SIGKILL");
    }, this.opts.gracePeriodMs);
    void pod.exited.then(() => clearTimeout(killer));
  }

  private async writeStatus(): Promise<void> {
    const { alive, ready, terminating } = this.running;
    const key = `${alive}/${ready}/${terminating}`;
    if (key === this.lastStatus) return;
    const d = await this.apps.readNamespacedDeployment({
      namespace: this.opts.namespace,
      name: this.opts.deployment,
    });
    d.status = {
      ...d.status,
      observedGeneration: d.metadata?.generation,
      replicas: alive + terminating,
      updatedReplicas: alive,
      readyReplicas: ready,
      availableReplicas: ready,
      unavailableReplicas: Math.max(0, alive - ready) || undefined,
    };
    await this.apps.replaceNamespacedDeploymentStatus({
      namespace: this.opts.namespace,
      name: this.opts.deployment,
      body: d,
    });
    this.lastStatus = key;
  }

  /** Stops watching and stops every worker gracefully (SIGKILL after the grace period). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const pod of this.pods) if (!pod.terminating) this.terminate(pod, "shutdown");
    await Promise.all(this.pods.map((p) => p.exited));
  }

  /** Last resort on an abrupt exit: no worker may outlive the demo. */
  killAll(): void {
    for (const pod of this.pods) pod.child.kill("SIGKILL");
  }
}
