import { z } from "zod";
import { badRequest } from "./api-error.js";
import type { MethodHandler } from "./dispatch.js";
import { documentOf, photoSizes } from "./file-store.js";
import { resolveMedia } from "./media-input.js";
import { bool, parseModeSchema, parseParams, sendCommon } from "./method-params.js";
import { postMessage, replyTarget, targetChat } from "./outgoing.js";

const mediaSchema = z.object({
  ...sendCommon,
  caption: z.string().max(1024, "Bad Request: message caption is too long").optional(),
  parse_mode: parseModeSchema,
  has_spoiler: bool(),
  disable_content_type_detection: bool(),
});

const getFileSchema = z.object({
  file_id: z.string({ error: "Bad Request: file_id is empty" }).min(1, "Bad Request: file_id is empty"),
});

export const mediaMethods: Record<string, MethodHandler> = {
  sendPhoto: async (core, params) => {
    const p = parseParams(mediaSchema, params.fields);
    const chat = targetChat(core, p.chat_id);
    const replyTo = replyTarget(chat, p);
    const file = await resolveMedia(core, "photo", params);
    core.spend(chat);
    const caption = p.caption ? { caption: p.caption } : {};
    const message = postMessage(core, chat, p, replyTo, { photo: photoSizes(file), ...caption });
    chat.record.add({
      kind: "photo",
      message,
      fileId: file.fileId,
      bytes: file.bytes,
      ...caption,
      ...(p.reply_markup ? { replyMarkup: p.reply_markup } : {}),
    });
    return message;
  },

  sendDocument: async (core, params) => {
    const p = parseParams(mediaSchema, params.fields);
    const chat = targetChat(core, p.chat_id);
    const replyTo = replyTarget(chat, p);
    const file = await resolveMedia(core, "document", params);
    core.spend(chat);
    const caption = p.caption ? { caption: p.caption } : {};
    const message = postMessage(core, chat, p, replyTo, { document: documentOf(file), ...caption });
    chat.record.add({
      kind: "document",
      message,
      fileId: file.fileId,
      bytes: file.bytes,
      ...(file.fileName ? { fileName: file.fileName } : {}),
      ...caption,
      ...(p.reply_markup ? { replyMarkup: p.reply_markup } : {}),
    });
    return message;
  },

  getFile: (core, params) => {
    const p = parseParams(getFileSchema, params.fields);
    const file = core.files.get(p.file_id);
    if (!file) throw badRequest("invalid file_id");
    return {
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      file_size: file.bytes.length,
      file_path: file.filePath,
    };
  },
};
