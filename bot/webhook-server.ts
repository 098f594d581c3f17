import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import type { Logger } from "../common/logger.js";

const secretHeader = "x-telegram-bot-api-secret-token";
const maxBodyBytes = 1 << 20;

/** The part of an update the server checks before handing it to the bot. */
const updateShape = z.looseObject({ update_id: z.number().int().nonnegative() });

export type WebhookServerOptions = {
  host: string;
  port: number;
  /** the path Telegram posts to (WEBHOOK_URL's path) */
  path: string;
  secret: string;
  /** handles one update; the answer goes out when it resolves (Telegram then sends the next one) */
  handle: (update: z.infer<typeof updateShape>) => Promise<void>;
  log: Logger;
};

/**
 * Receives Telegram's webhook posts. A request without the secret token header is refused with
 * 401, one with a wrong token with 403 (compared in constant time); only then is the body read.
 * A handled update is answered 200 even when handling failed, so Telegram does not redeliver an
 * update the bot has already answered; a malformed body is 400.
 */
export class WebhookServer {
  private server: Server | undefined;
  private readonly secret: Buffer;

  constructor(private readonly opts: WebhookServerOptions) {
    this.secret = Buffer.from(opts.secret);
  }

  async start(): Promise<number> {
    const server = createServer((req, res) => void this.serve(req, res));
    server.keepAliveTimeout = 65_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    this.opts.log.info({ port, path: this.opts.path }, "webhook server listening");
    return port;
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  /** Stops taking updates; updates in flight get `graceMs` to finish, then connections are cut. */
  close(graceMs = 10_000): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      // keep-alive connections turn idle as their answers go out: close each as it does
      const sweep = setInterval(() => server.closeIdleConnections(), 20);
      const cut = setTimeout(() => server.closeAllConnections(), graceMs);
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(cut);
        resolve();
      });
      server.closeIdleConnections();
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "").split("?")[0];
    if (path !== this.opts.path) return end(res, 404);
    if (req.method !== "POST") return end(res, 405);
    const given = req.headers[secretHeader];
    if (typeof given !== "string" || given.length === 0) return end(res, 401);
    if (!this.secretMatches(given)) {
      this.opts.log.warn(
        { remote: req.socket.remoteAddress },
        "webhook request with a wrong secret token refused",
      );
      return end(res, 403);
    }
    let update: z.infer<typeof updateShape>;
    try {
      update = updateShape.parse(JSON.parse(await readBody(req)));
    } catch {
      return end(res, 400);
    }
    try {
      await this.opts.handle(update);
    } catch (err) {
      this.opts.log.error({ err, updateId: update.update_id }, "webhook update failed");
    }
    end(res, 200);
  }

  private secretMatches(given: string): boolean {
    const candidate = Buffer.from(given);
    return candidate.length === this.secret.length && timingSafeEqual(candidate, this.secret);
  }
}

function end(res: ServerResponse, status: number): void {
  res.writeHead(status, { "content-type": "text/plain" }).end();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
