/** Every text a user reads, in Russian and English. */
export const langs = ["ru", "en"] as const;
export type Lang = (typeof langs)[number];

export function isLang(value: unknown): value is Lang {
  return value === "ru" || value === "en";
}

/** The user's language from Telegram's language_code ("ru", "ru-RU", "en-US"), or the fallback. */
export function langFromCode(code: string | undefined, fallback: Lang): Lang {
  if (!code) return fallback;
  return code.toLowerCase().startsWith("ru") ? "ru" : "en";
}

export type StatusLine = { prompt: string } & (
  | { state: "waiting"; position: number | undefined }
  | { state: "active" }
  | { state: "retrying" }
);

export type Messages = {
  start: (name: string) => string;
  help: (limits: { perMinute: number; pending: number }) => string;
  promptEmpty: string;
  promptTooLong: (length: number, max: number) => string;
  queued: (position: number, waitSeconds: number) => string;
  rateLimited: string;
  retryIn: (seconds: number) => string;
  tooManyPending: (count: number) => string;
  busy: string;
  statusNone: string;
  statusHeader: string;
  statusLine: (line: StatusLine) => string;
  cancelNone: string;
  cancelled: (count: number) => string;
  cannotCancelActive: (count: number) => string;
  cancelledStatus: string;
  langChoose: string;
  langSet: string;
  againAccepted: string;
  againGone: string;
  unknownCommand: string;
  textOnly: string;
};

/** Russian plural: 1 запрос, 2 запроса, 5 запросов. */
function ruPlural(n: number, one: string, few: string, many: string): string {
  const mod10 = n % 10;
  const mod100 = n % 100;
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
}

function ruDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.ceil(seconds))} с`;
  return `${Math.ceil(seconds / 60)} мин`;
}

function enDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.ceil(seconds))} s`;
  const min = Math.ceil(seconds / 60);
  return `${min} min`;
}

/** Long prompts are cut in lists so a /status answer stays short. */
function short(prompt: string): string {
  return prompt.length > 60 ? `${prompt.slice(0, 57)}…` : prompt;
}

const ru: Messages = {
  start: (name) =>
    `👋 Привет, ${name}! Я рисую картинки по описанию.\n\n` +
    "Просто напишите, что нарисовать, например: «рыжий кот в космосе, акварель».\n\n" +
    "/help — все команды",
  help: ({ perMinute, pending }) =>
    "Что я умею:\n" +
    "/imagine <описание> — нарисовать картинку (или просто напишите описание)\n" +
    "/status — ваши запросы и место в очереди\n" +
    "/cancel — отменить запросы, которые ещё ждут в очереди\n" +
    "/lang — язык: русский или английский\n\n" +
    `Описание — до 1000 символов. Не больше ${perMinute} ${ruPlural(perMinute, "запроса", "запросов", "запросов")} в минуту ` +
    `и ${pending} ${ruPlural(pending, "запроса", "запросов", "запросов")} в очереди одновременно.`,
  promptEmpty: "✏️ Описание пустое. Напишите словами, что нарисовать, например: /imagine рыжий кот в космосе",
  promptTooLong: (length, max) =>
    `✂️ Описание слишком длинное: ${length} ${ruPlural(length, "символ", "символа", "символов")}, можно не больше ${max}. Сократите его и пришлите снова.`,
  queued: (position, wait) =>
    `🕐 Запрос принят. Место в очереди: ${position}. Примерное ожидание: ~${ruDuration(wait)}.`,
  rateLimited: "⏳ Слишком много запросов. Подождите минуту.",
  retryIn: (seconds) => `Новый запрос можно отправить через ${ruDuration(seconds)}.`,
  tooManyPending: (count) =>
    `У вас уже ${count} ${ruPlural(count, "запрос", "запроса", "запросов")} в работе — новый можно отправить, когда один из них будет готов.`,
  busy: "⚠️ Сервис сейчас перегружен. Попробуйте ещё раз через минуту.",
  statusNone: "У вас нет запросов в очереди. Напишите, что нарисовать.",
  statusHeader: "Ваши запросы:",
  statusLine: (line) => {
    const p = `«${short(line.prompt)}»`;
    if (line.state === "active") return `🎨 ${p} — рисую`;
    if (line.state === "retrying") return `🔁 ${p} — скоро попробую ещё раз`;
    return line.position === undefined
      ? `🕐 ${p} — в очереди`
      : `🕐 ${p} — место в очереди: ${line.position}`;
  },
  cancelNone: "Нечего отменять: у вас нет запросов, которые ждут в очереди.",
  cancelled: (count) =>
    count === 1
      ? "❌ Запрос отменён."
      : `❌ Отменено ${count} ${ruPlural(count, "запрос", "запроса", "запросов")}.`,
  cannotCancelActive: (count) =>
    `🎨 ${count === 1 ? "Один запрос уже рисуется" : `Уже рисуются: ${count}`} — ${count === 1 ? "его" : "их"} не отменить.`,
  cancelledStatus: "❌ Запрос отменён.",
  langChoose: "Выберите язык / Choose your language:",
  langSet: "✅ Язык: русский.",
  againAccepted: "🔁 Рисую ещё раз",
  againGone: "Этот запрос устарел — пришлите описание заново.",
  unknownCommand: "Не знаю такой команды. /help — список команд.",
  textOnly: "Я понимаю только текст: напишите, что нарисовать.",
};

const en: Messages = {
  start: (name) =>
    `👋 Hi, ${name}! I draw pictures from descriptions.\n\n` +
    "Just write what to draw, for example: “a ginger cat in space, watercolour”.\n\n" +
    "/help — all commands",
  help: ({ perMinute, pending }) =>
    "What I can do:\n" +
    "/imagine <description> — draw a picture (or just send the description)\n" +
    "/status — your requests and their places in the queue\n" +
    "/cancel — cancel your requests that are still waiting\n" +
    "/lang — language: Russian or English\n\n" +
    `Descriptions up to 1000 characters. At most ${perMinute} ${perMinute === 1 ? "request" : "requests"} a minute ` +
    `and ${pending} in the queue at once.`,
  promptEmpty:
    "✏️ The description is empty. Write in words what to draw, for example: /imagine a ginger cat in space",
  promptTooLong: (length, max) =>
    `✂️ The description is too long: ${length} characters, at most ${max}. Please shorten it and send it again.`,
  queued: (position, wait) =>
    `🕐 Request accepted. Place in queue: ${position}. Estimated wait: ~${enDuration(wait)}.`,
  rateLimited: "⏳ Too many requests. Please wait a minute.",
  retryIn: (seconds) => `You can send a new request in ${enDuration(seconds)}.`,
  tooManyPending: (count) =>
    `You already have ${count} ${count === 1 ? "request" : "requests"} in progress — send a new one when one of them is ready.`,
  busy: "⚠️ The service is busy right now. Please try again in a minute.",
  statusNone: "You have no requests in the queue. Write what to draw.",
  statusHeader: "Your requests:",
  statusLine: (line) => {
    const p = `“${short(line.prompt)}”`;
    if (line.state === "active") return `🎨 ${p} — drawing`;
    if (line.state === "retrying") return `🔁 ${p} — will try again shortly`;
    return line.position === undefined
      ? `🕐 ${p} — in the queue`
      : `🕐 ${p} — place in queue: ${line.position}`;
  },
  cancelNone: "Nothing to cancel: you have no requests waiting in the queue.",
  cancelled: (count) => (count === 1 ? "❌ Request cancelled." : `❌ ${count} requests cancelled.`),
  cannotCancelActive: (count) =>
    count === 1
      ? "🎨 One request is being drawn already and can't be cancelled."
      : `🎨 ${count} requests are being drawn already and can't be cancelled.`,
  cancelledStatus: "❌ Request cancelled.",
  langChoose: "Выберите язык / Choose your language:",
  langSet: "✅ Language: English.",
  againAccepted: "🔁 Drawing it again",
  againGone: "This request is too old — please send the description again.",
  unknownCommand: "I don't know that command. /help lists the commands.",
  textOnly: "I only understand text: write what to draw.",
};

const catalogs: Record<Lang, Messages> = { ru, en };

export function messages(lang: Lang): Messages {
  return catalogs[lang];
}
