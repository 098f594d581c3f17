import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = resolve(".");

/**
 * No Docker engine runs here, so this replays what each Dockerfile's build stage does: copy only
 * what its COPY lines name into an empty folder and compile with tsconfig.build.json. A program
 * that imports a folder its Dockerfile does not copy fails here, as its image build would.
 */
describe.each(["operator", "bot", "worker"])("%s/Dockerfile", (program) => {
  it("builds from what it copies, and the built entry starts", async () => {
    const dockerfile = readFileSync(`${program}/Dockerfile`, "utf8");
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) (\S+)$/gm)].flatMap((m) =>
      (m[1] ?? "").split(/\s+/),
    );
    expect(copied).toEqual(
      expect.arrayContaining(["package.json", "tsconfig.build.json", "common", program]),
    );
    const dir = mkdtempSync(join(tmpdir(), `imagebot-image-${program}-`));
    try {
      for (const path of copied) cpSync(join(root, path), join(dir, path), { recursive: true });
      // npm ci's result, without downloading it again
      symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
      await run(
        process.execPath,
        [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
        { cwd: dir },
      );
      const cmd = dockerfile.match(/^CMD \["node", "([^"]+)"\]$/m)?.[1];
      expect(cmd).toBe(`dist/${program}/main.js`);
      // with no configuration the program stops with a clear message (or, the operator, runs without a cluster)
      const started = await run(process.execPath, [cmd as string], {
        cwd: dir,
        env: { PATH: process.env.PATH, METRICS_PORT: "0", KUBECONFIG: join(dir, "none") },
        timeout: 10_000,
      }).catch((err: { code?: number; stderr?: string; stdout?: string }) => err);
      const output = `${started.stdout ?? ""}${started.stderr ?? ""}`;
      expect(output).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find module/);
      expect(output).toMatch(
        program === "operator" ? /cannot load a kubeconfig/ : /BOT_TOKEN: is required but not set/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
