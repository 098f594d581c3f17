import type { ImageJob } from "../common/job.js";
import { againButton } from "../common/job.js";

export type Lang = ImageJob["lang"];

/** Why the user gets no image, as far as the user needs to know. */
export type UserFailure = "refused" | "unavailable" | "invalid" | "delivery" | "uncertain" | "internal";

type Texts = {
  generating: string;
  again: string;
  failure: Record<UserFailure, string>;
};

const TEXTS: Record<Lang, Texts> = {
  en: {
    generating: "🎨 Generating your image…",
    again: "🔁 Again",
    failure: {
      refused: "⚠️ The image service refused this prompt. Try wording it differently.",
      unavailable: "😔 The image service is not answering right now. Please try again in a few minutes.",
      invalid: "⚠️ This request could not be processed. Please send your prompt again.",
      delivery: "😔 Your image was made but could not be sent. Please try again.",
      uncertain:
        "⚠️ The connection broke while your image was being sent, so it may not have arrived. If you don't see it, press 🔁 Again.",
      internal: "😔 Something went wrong on our side. Please try again.",
    },
  },
  ru: {
    generating: "🎨 Рисую картинку…",
    again: "🔁 Ещё раз",
    failure: {
      refused: "⚠️ Сервис отказался рисовать по этому запросу. Попробуйте сформулировать иначе.",
      unavailable: "😔 Сервис генерации сейчас не отвечает. Попробуйте через несколько минут.",
      invalid: "⚠️ Не удалось обработать запрос. Отправьте описание ещё раз.",
      delivery: "😔 Картинка готова, но отправить её не удалось. Попробуйте ещё раз.",
      uncertain:
        "⚠️ Связь оборвалась во время отправки, картинка могла не дойти. Если её нет, нажмите «🔁 Ещё раз».",
      internal: "😔 Что-то пошло не так на нашей стороне. Попробуйте ещё раз.",
    },
  },
};

export function textsFor(lang: Lang): Texts {
  return TEXTS[lang];
}

/** Callback data of the "again" button: keyed by job id, never by worker state (common/job.ts). */
export function againCallbackData(jobId: string): string {
  return againButton.data(jobId);
}

export function againKeyboard(lang: Lang, jobId: string) {
  return { inline_keyboard: [[{ text: TEXTS[lang].again, callback_data: againCallbackData(jobId) }]] };
}
