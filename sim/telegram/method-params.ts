import { z } from "zod";
import { badRequest } from "./api-error.js";

/**
 * zod pieces for Bot API parameters. Form and query values arrive as strings, JSON values typed,
 * so numbers, booleans and JSON objects accept both. Messages are Telegram's own wording.
 */
function coerceInt(value: unknown): unknown {
  return typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
}

function coerceBool(value: unknown): unknown {
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  return value;
}

function coerceJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return Symbol("unparsable");
  }
}

export const int = (message?: string) =>
  z.preprocess(coerceInt, z.number({ error: message ? `Bad Request: ${message}` : undefined }).int());

export const bool = () => z.preprocess(coerceBool, z.boolean()).optional();

export const json = <S extends z.ZodType>(schema: S) => z.preprocess(coerceJson, schema);

export const chatId = z.preprocess(
  coerceInt,
  z.union([z.number().int(), z.string().regex(/^@\w+$/)], {
    error: (issue) =>
      issue.input === undefined ? "Bad Request: chat_id is empty" : "Bad Request: chat not found",
  }),
);

export const buttonSchema = z.looseObject({
  text: z.string(),
  callback_data: z
    .string()
    .refine((d) => d.length > 0 && Buffer.byteLength(d) <= 64, "Bad Request: BUTTON_DATA_INVALID")
    .optional(),
  url: z.string().optional(),
});

export const replyMarkupSchema = json(
  z.looseObject(
    { inline_keyboard: z.array(z.array(buttonSchema)).optional() },
    {
      error: "Bad Request: can't parse reply keyboard markup JSON object",
    },
  ),
).optional();

export const parseModeSchema = z
  .enum(["HTML", "Markdown", "MarkdownV2", "html", "markdown", "markdownv2"], {
    error: "Bad Request: unsupported parse_mode",
  })
  .optional();

export const replyParametersSchema = json(
  z.looseObject({ message_id: int(), allow_sending_without_reply: bool() }),
).optional();

/** Parameters every send method shares. */
export const sendCommon = {
  chat_id: chatId,
  reply_markup: replyMarkupSchema,
  reply_to_message_id: int().optional(),
  reply_parameters: replyParametersSchema,
  allow_sending_without_reply: bool(),
  disable_notification: bool(),
  protect_content: bool(),
  message_thread_id: int().optional(),
};

/** Parses one method's parameters; the first problem becomes Telegram's 400. */
export function parseParams<S extends z.ZodType>(schema: S, fields: Record<string, unknown>): z.infer<S> {
  const result = schema.safeParse(fields);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw badRequest("invalid parameters");
  if (issue.message.startsWith("Bad Request: "))
    throw badRequest(issue.message.slice("Bad Request: ".length));
  const field = String(issue.path[0] ?? "parameters");
  if (field === "reply_markup") throw badRequest("can't parse reply keyboard markup JSON object");
  if (fields[field] === undefined) throw badRequest(`${field} is empty`);
  throw badRequest(`wrong parameter ${field} in request`);
}
