import { z } from "zod";

/** Image options a user may ask for. */
export const imageSizeSchema = z.enum(["512", "768", "1024", "16:9", "9:16"]);
export type ImageSize = z.infer<typeof imageSizeSchema>;

export const jobOptionsSchema = z.object({
  size: imageSizeSchema.default("512"),
  seed: z.number().int().nonnegative().optional(),
  /** Send the original file as a document instead of a compressed photo. */
  fullSize: z.boolean().default(false),
});

/** The job payload: the one contract between the bot (writer) and the workers (readers). Versioned. */
export const imageJobSchema = z.object({
  v: z.literal(1),
  userId: z.number().int(),
  chatId: z.number().int(),
  messageId: z.number().int(),
  /** The bot's status message that the worker edits (absent when the bot could not send one). */
  statusMessageId: z.number().int().optional(),
  prompt: z.string().min(1).max(1000),
  options: jobOptionsSchema.default({ size: "512", fullSize: false }),
  lang: z.enum(["ru", "en"]).default("en"),
  /** When the user asked, epoch ms: the start of "time to image". */
  requestedAt: z.number().int(),
});
export type ImageJob = z.infer<typeof imageJobSchema>;
export type ImageJobInput = z.input<typeof imageJobSchema>;

/**
 * The job id for a Telegram message. One message makes at most one job, so a redelivered update
 * cannot enqueue twice. BullMQ ids must not contain ":", hence the dashes.
 */
export function jobIdFor(chatId: number, messageId: number): string {
  return `tg-${chatId}-${messageId}`;
}

/**
 * The "make again" button under a finished image: the worker puts it on the photo, the bot handles
 * the press. Callback data names the finished job (never in-process state), so any bot replica
 * can answer it; Telegram allows 64 bytes, and job ids stay well below that.
 */
export const againButton = {
  data: (jobId: string): string => `again:${jobId}`,
  /** The job id in a press's callback data, or undefined for other buttons. */
  jobId: (data: string): string | undefined =>
    data.startsWith("again:") ? data.slice(6) || undefined : undefined,
  text: { ru: "🔁 Ещё раз", en: "🔁 Make again" },
} as const;
