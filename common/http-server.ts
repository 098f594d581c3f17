import type { Server } from "node:http";
import express, { type Express } from "express";
import { collectDefaultMetrics, Registry } from "prom-client";
import type { Logger } from "./logger.js";

export type HealthCheck = () => boolean | Promise<boolean>;

export type OpsServerOptions = {
  port: number;
  host?: string;
  registry: Registry;
  /** The process is alive (restart it when this fails). */
  healthy?: HealthCheck;
  /** The process can do its work now (send it traffic / count it as up). */
  ready?: HealthCheck;
  log: Logger;
};

/** A new registry with Node.js process metrics, prefixed `imagebot_<program>_`. */
export function createRegistry(program: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ program });
  collectDefaultMetrics({ register: registry, prefix: "imagebot_" });
  return registry;
}

/**
 * The small HTTP server every program runs beside its work: `/metrics` (Prometheus text),
 * `/healthz` (liveness) and `/readyz` (readiness). Other routes can be added to `app` before start.
 */
export class OpsServer {
  readonly app: Express = express();
  private server: Server | undefined;

  constructor(private readonly opts: OpsServerOptions) {
    this.app.disable("x-powered-by");
    this.app.get("/metrics", async (_req, res) => {
      res.set("Content-Type", opts.registry.contentType);
      res.send(await opts.registry.metrics());
    });
    this.app.get("/healthz", (_req, res) => void probe(opts.healthy, res));
    this.app.get("/readyz", (_req, res) => void probe(opts.ready, res));
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  start(): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = this.app.listen(this.opts.port, this.opts.host ?? "0.0.0.0", (err?: Error) => {
        if (err) return reject(err);
        const addr = server.address();
        const port = typeof addr === "object" && addr ? addr.port : this.opts.port;
        this.opts.log.info({ port }, "ops server listening");
        resolve(port);
      });
      this.server = server;
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

async function probe(check: HealthCheck | undefined, res: express.Response): Promise<void> {
  let ok = true;
  try {
    ok = check ? await check() : true;
  } catch {
    ok = false;
  }
  res
    .status(ok ? 200 : 503)
    .type("text/plain")
    .send(ok ? "ok\n" : "not ok\n");
}
