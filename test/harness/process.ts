import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";

export type Managed = { name: string; child: ChildProcess; logPath: string; stop: () => Promise<void> };

/** Starts a server process with its output in a log file; `stop` sends SIGTERM, then SIGKILL. */
export function startProcess(name: string, bin: string, args: string[], logPath: string): Managed {
  const log = createWriteStream(logPath, { flags: "a" });
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  child.on("error", (err) => log.write(`spawn error: ${String(err)}\n`));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(killer);
    log.end();
  };
  return { name, child, logPath, stop };
}
