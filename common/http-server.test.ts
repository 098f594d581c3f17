import { pino } from "pino";
import { Counter } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { createRegistry, OpsServer } from "./http-server.js";

describe("OpsServer", () => {
  let server: OpsServer | undefined;
  afterEach(() => server?.close());

  it("serves /metrics, /healthz and /readyz", async () => {
    const registry = createRegistry("test");
    new Counter({ name: "imagebot_things_total", help: "things", registers: [registry] }).inc(3);
    let ready = false;
    server = new OpsServer({
      port: 0,
      host: "127.0.0.1",
      registry,
      log: pino({ level: "silent" }),
      ready: () => ready,
    });
    const port = await server.start();
    const base = `http://127.0.0.1:${port}`;

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('imagebot_things_total{program="test"} 3');
    expect(metrics).toContain("imagebot_process_cpu_seconds_total");
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});
