import { createHash } from "node:crypto";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { z } from "zod";
import type { ChatEvent } from "./chat-record.js";
import type { TelegramEmulator } from "./emulator.js";
import { faultSpecSchema } from "./faults.js";
import { floodLimitsSchema } from "./flood-limiter.js";

const userSchema = z.object({
  languageCode: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  username: z.string().optional(),
});
const textSchema = userSchema.extend({ text: z.string().min(1), replyTo: z.number().int().optional() });
const commandSchema = userSchema.extend({ command: z.string().min(1), args: z.string().optional() });
const callbackSchema = z.object({ messageId: z.number().int(), data: z.string().min(1) });
const pushSchema = z.object({
  n: z.number().int().positive().max(1_000_000),
  users: z.number().int().positive().optional(),
  firstUserId: z.number().int().positive().optional(),
});
const limitsSchema = floodLimitsSchema.partial();
const idSchema = z.coerce.number().int();

/**
 * The control API, for processes that can't hold the emulator object (the demo, load benches):
 * act as users, arm faults, block chats, change limits, read what the bot sent. JSON in, JSON out.
 */
export function controlRouter(emulator: () => TelegramEmulator): Router {
  const router = express.Router();
  router.use(express.json({ limit: "1mb" }));
  const route = (fn: (req: Request) => unknown) => (req: Request, res: Response, next: NextFunction) => {
    try {
      const result = fn(req);
      res.status(result === undefined ? 204 : 200);
      if (result === undefined) res.end();
      else res.json(result);
    } catch (err) {
      if (err instanceof z.ZodError || err instanceof Error) res.status(400).json({ error: err.message });
      else next(err);
    }
  };

  router.get(
    "/stats",
    route(() => emulator().stats()),
  );
  router.get(
    "/webhook",
    route(() => emulator().webhookInfo()),
  );
  router.post(
    "/faults",
    route((req) => void emulator().faults.inject(faultSpecSchema.parse(req.body))),
  );
  router.delete(
    "/faults",
    route(() => void emulator().faults.clear()),
  );
  router.put(
    "/limits",
    route((req) => emulator().setLimits(limitsSchema.parse(req.body))),
  );
  router.post(
    "/chats/:id/block",
    route((req) => void emulator().blockChat(idSchema.parse(req.params.id))),
  );
  router.delete(
    "/chats/:id/block",
    route((req) => void emulator().unblockChat(idSchema.parse(req.params.id))),
  );
  router.get(
    "/chats/:id",
    route((req) => {
      const withBytes = req.query.bytes === "1";
      return emulator()
        .chat(idSchema.parse(req.params.id))
        .events.map((e) => eventJson(e, withBytes));
    }),
  );
  router.post(
    "/users/:id/messages",
    route((req) => {
      const { text, replyTo, ...opts } = textSchema.parse(req.body);
      return emulator()
        .user(idSchema.parse(req.params.id), opts)
        .sendText(text, replyTo === undefined ? {} : { replyTo });
    }),
  );
  router.post(
    "/users/:id/commands",
    route((req) => {
      const { command, args, ...opts } = commandSchema.parse(req.body);
      return emulator().user(idSchema.parse(req.params.id), opts).sendCommand(command, args);
    }),
  );
  router.post(
    "/users/:id/callbacks",
    route((req) => {
      const { messageId, data } = callbackSchema.parse(req.body);
      return emulator().user(idSchema.parse(req.params.id)).pressButton(messageId, data);
    }),
  );
  router.post(
    "/push-updates",
    route((req) => {
      const { n, ...opts } = pushSchema.parse(req.body);
      return { created: emulator().pushUpdates(n, opts).length };
    }),
  );
  return router;
}

/** Bytes go over JSON as size and sha256, or base64 when asked for with ?bytes=1. */
function eventJson(event: ChatEvent, withBytes: boolean): Record<string, unknown> {
  if (!("bytes" in event)) return event;
  const { bytes, ...rest } = event;
  return {
    ...rest,
    size: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    ...(withBytes ? { base64: bytes.toString("base64") } : {}),
  };
}
