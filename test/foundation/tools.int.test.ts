import { describe, expect, it } from "vitest";
import { helm, kubectl } from "../harness/k8s.js";

describe("kubectl and helm against the harness", () => {
  it("kubectl reports the API server's version v1.37.2", async () => {
    const res = await kubectl(["version", "-o", "json"]);
    expect(res.code, res.stderr).toBe(0);
    const v = JSON.parse(res.stdout) as {
      serverVersion: { gitVersion: string; major: string; minor: string };
    };
    expect(v.serverVersion.gitVersion).toBe("v1.37.2");
    expect(v.serverVersion.minor).toBe("37");
  });

  it("helm reaches the cluster", async () => {
    const res = await helm(["list", "-A", "-o", "json"]);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual([]);
  });
});
