import { z } from "zod";
import { apiErrors, badRequest } from "./api-error.js";
import { Described, type MethodHandler } from "./dispatch.js";
import { bool, int, json, parseParams } from "./method-params.js";

const allowedUpdates = json(z.array(z.string())).optional();

const getUpdatesSchema = z.object({
  offset: int().optional(),
  limit: int().optional(),
  timeout: int().optional(),
  allowed_updates: allowedUpdates,
});

const setWebhookSchema = z.object({
  url: z.string({ error: "Bad Request: bad webhook: URL must be provided" }),
  secret_token: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, "Bad Request: secret token contains unallowed characters")
    .optional(),
  max_connections: int().optional(),
  allowed_updates: allowedUpdates,
  drop_pending_updates: bool(),
  ip_address: z.string().optional(),
});

const commandsSchema = z.object({
  commands: json(z.array(z.object({ command: z.string(), description: z.string() }))),
});

const deleteWebhookSchema = z.object({ drop_pending_updates: bool() });

/** setMyCommands state; a single bot, so one list. */
const myCommands = new WeakMap<object, unknown[]>();

export const updateMethods: Record<string, MethodHandler> = {
  getMe: (core) => core.bot,

  getUpdates: (core, params, signal) => {
    const p = parseParams(getUpdatesSchema, params.fields);
    return core.longPoll.getUpdates(
      {
        offset: p.offset,
        limit: Math.min(100, Math.max(1, p.limit ?? 100)),
        timeout: Math.max(0, p.timeout ?? 0),
        allowed_updates: p.allowed_updates,
      },
      signal,
    );
  },

  setWebhook: (core, params) => {
    const p = parseParams(setWebhookSchema, params.fields);
    if (p.drop_pending_updates) core.queue.clear();
    if (p.url === "") {
      const had = core.webhook.active;
      core.webhook.delete();
      return new Described(true, had ? "Webhook was deleted" : "Webhook is already deleted");
    }
    // Telegram insists on HTTPS and ports 443/80/88/8443; the emulator takes any http(s) URL so local bots can listen
    if (!URL.canParse(p.url) || !/^https?:$/.test(new URL(p.url).protocol)) {
      throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
    }
    const maxConnections = p.max_connections ?? 40;
    if (maxConnections < 1 || maxConnections > 100) throw badRequest("bad webhook: wrong max_connections");
    core.queue.setAllowed(p.allowed_updates);
    core.longPoll.terminate(apiErrors.conflictSetWebhook());
    core.webhook.set({
      url: p.url,
      secretToken: p.secret_token,
      maxConnections,
      allowedUpdates: core.queue.allowedUpdates,
    });
    return new Described(true, "Webhook was set");
  },

  deleteWebhook: (core, params) => {
    const p = parseParams(deleteWebhookSchema, params.fields);
    if (p.drop_pending_updates) core.queue.clear();
    const had = core.webhook.active;
    core.webhook.delete();
    return new Described(true, had ? "Webhook was deleted" : "Webhook is already deleted");
  },

  getWebhookInfo: (core) => core.webhook.info(),

  setMyCommands: (core, params) => {
    myCommands.set(core, parseParams(commandsSchema, params.fields).commands);
    return true;
  },

  getMyCommands: (core) => myCommands.get(core) ?? [],

  deleteMyCommands: (core) => {
    myCommands.delete(core);
    return true;
  },
};
