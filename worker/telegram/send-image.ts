import type { GeneratedImage } from "../providers/image-provider.js";
import type { BotApi, CallOptions } from "./bot-api.js";

/** Telegram refuses photos over 10 MB; bigger images go as documents. */
export const TELEGRAM_PHOTO_LIMIT_BYTES = 10 * 1024 * 1024;
/** Telegram's limit on a media caption. */
const CAPTION_LIMIT = 1024;

export type ImageDelivery = {
  chatId: number;
  /** The user's message with the prompt; the image is sent as a reply to it when it still exists. */
  replyTo: number;
  caption: string;
  replyMarkup: unknown;
  image: GeneratedImage;
  /** The user asked for the original file (no Telegram recompression). */
  fullSize: boolean;
  fileStem: string;
};

export type SentMessage = { message_id: number };

/** How the image goes out: a photo, or a document when it is too big for one or the user asked for full size. */
export function sendMethodFor(image: GeneratedImage, fullSize: boolean): "sendPhoto" | "sendDocument" {
  return fullSize || image.bytes.length > TELEGRAM_PHOTO_LIMIT_BYTES ? "sendDocument" : "sendPhoto";
}

/** One multipart sendPhoto (or sendDocument) call. */
export async function sendImage(api: BotApi, d: ImageDelivery, opts: CallOptions = {}): Promise<SentMessage> {
  const method = sendMethodFor(d.image, d.fullSize);
  const field = method === "sendPhoto" ? "photo" : "document";
  const fileName = `${d.fileStem}.${extensionOf(d.image.mime)}`;
  const form = () => {
    const f = new FormData();
    f.append("chat_id", String(d.chatId));
    f.append("caption", truncate(d.caption, CAPTION_LIMIT));
    f.append(
      "reply_parameters",
      JSON.stringify({ message_id: d.replyTo, allow_sending_without_reply: true }),
    );
    f.append("reply_markup", JSON.stringify(d.replyMarkup));
    f.append(field, new Blob([d.image.bytes], { type: d.image.mime }), fileName);
    return f;
  };
  return api.call<SentMessage>(method, form, opts);
}

function extensionOf(mime: string): string {
  return mime === "image/jpeg" ? "jpg" : (mime.split("/")[1] ?? "bin");
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
