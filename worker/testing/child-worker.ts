import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** `node --import tsx worker/main.ts` as a child process: the worker as a pod runs it. */
export class ChildWorker {
  private output = "";
  readonly exited: Promise<Exit>;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on("data", (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    this.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  }

  static spawn(env: Record<string, string>): ChildWorker {
    const child = spawn(process.execPath, ["--import", "tsx", "worker/main.ts"], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...env,
        LOG_LEVEL: env.LOG_LEVEL === "silent" ? "info" : (env.LOG_LEVEL ?? "info"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new ChildWorker(child);
  }

  get log(): string {
    return this.output;
  }

  /** Resolves once the worker logged `msg` (it logs JSON lines). */
  async waitForLog(msg: string, timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!this.output.includes(`"msg":"${msg}"`)) {
      if (this.child.exitCode !== null) throw new Error(`worker exited early:\n${this.output}`);
      if (Date.now() > until) throw new Error(`no "${msg}" within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Makes sure the process is gone (tests end here whatever happened). */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    await this.exited;
  }
}
