import express, { type Express, type Request, type Response, type Router } from "express";
import { ApiError, apiErrors } from "./api-error.js";
import { handleCall } from "./dispatch.js";
import type { EmulatorCore } from "./emulator-core.js";
import { readParams } from "./request-body.js";

const apiPath = /^\/bot([^/]+)\/([^/]+)\/?$/;
const filePath = /^\/file\/bot([^/]+)\/(.+)$/;

/**
 * The HTTP face of the emulator, on Telegram's paths: `/bot<token>/<method>` for the Bot API
 * (any HTTP method, as Telegram accepts GET and POST alike), `/file/bot<token>/<file_path>` for
 * downloads, and the control API under `/__sim`.
 */
export function createHttpApp(core: EmulatorCore, control: Router): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use("/__sim", control);
  app.use((req, res) => {
    const path = safeDecode(req.path);
    const file = filePath.exec(path);
    if (file && (req.method === "GET" || req.method === "HEAD"))
      return serveFile(core, file[1] ?? "", file[2] ?? "", res);
    const api = apiPath.exec(path);
    if (!api) return void res.status(404).json(apiErrors.notFound().toBody());
    void serveApi(core, api[1] ?? "", api[2] ?? "", req, res);
  });
  return app;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function serveFile(core: EmulatorCore, token: string, path: string, res: Response): void {
  if (!core.acceptsToken(token)) return void res.status(401).json(apiErrors.unauthorized().toBody());
  const file = core.files.byFilePath(path);
  if (!file) return void res.status(404).json(apiErrors.notFound().toBody());
  res.type(file.mimeType ?? "application/octet-stream").send(file.bytes);
}

async function serveApi(
  core: EmulatorCore,
  token: string,
  method: string,
  req: Request,
  res: Response,
): Promise<void> {
  const controller = new AbortController();
  // a client that hangs up (telegraf's bot.stop() aborts its long poll) ends its call here too
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const query = new URLSearchParams(req.originalUrl.split("?")[1] ?? "");
  let outcome: Awaited<ReturnType<typeof handleCall>>;
  try {
    const params = await readParams(req.headers, req, query);
    outcome = await handleCall(core, token, method, params, controller.signal);
  } catch (err) {
    const apiError = err instanceof ApiError ? err : new ApiError(400, "Bad Request: can't parse request");
    outcome = { kind: "answer", status: apiError.code, body: apiError.toBody() };
  }
  if (outcome.kind === "drop") {
    req.socket.destroy();
    return;
  }
  if (controller.signal.aborted || res.headersSent) return;
  res.status(outcome.status).json(outcome.body);
}
