import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";

export type Managed = { name: string; child: ChildProcess; logPath: string; stop: () => Promise<void> };

/** Starts a server process with its output in a log file; `stop` sends SIGTERM, then SIGKILL. */
export function startProcess(name: string, bin: string, args: string[], logPath: string): Managed {
  const log = createWriteStream(logPath, { flags: "a" });
  log.on("error", () => {});
  // a process group of its own: a terminal's Ctrl-C goes to the program that started the server,
  // which then stops it in order (the demo), instead of killing it first
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
  // two sources share one file: neither may end it; it ends once the child's stdio has closed
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  child.on("error", (err) => log.write(`spawn error: ${String(err)}\n`));
  const closed = new Promise<void>((resolve) =>
    child.once("close", () => {
      log.end();
      resolve();
    }),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await closed;
      clearTimeout(killer);
    }
    await closed;
  };
  return { name, child, logPath, stop };
}
