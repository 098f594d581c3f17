import type { ChatEvent, TelegramEmulator } from "../telegram/index.js";
import type { FailureKind } from "./stats.js";

const PROMPTS_RU = [
  "рыжий кот в космосе, акварель",
  "старый маяк на закате, масло",
  "лиса в зимнем лесу, детская иллюстрация",
  "город будущего под дождём, неон",
  "чашка кофе и книга у окна, уютно",
  "дракон над горами, эпичный свет",
  "натюрморт с яблоками в стиле Сезанна",
  "подводный город с медузами",
];
const PROMPTS_EN = [
  "a red panda astronaut, watercolor",
  "a lighthouse in a storm, oil painting",
  "a cozy cabin in the snow at night",
  "a robot tending a garden, studio ghibli style",
  "a bowl of ramen, macro photo",
  "a fox reading a map, children's book illustration",
  "sunrise over a misty valley",
  "a steampunk airship above london",
];

/** The first line of a text that tells the user there is no image (bot refusals and worker failure notices). */
const FAILURE_TEXT = /^(⚠️|😔|⏳)/u;

export type RequestResult = { userId: number; sentAt: number } & (
  | { ok: true; ms: number }
  | { ok: false; kind: FailureKind; text?: string }
);

export type UsersOptions = {
  firstUserId: number;
  intervalMs: { min: number; max: number };
  /** arriving users open the bot at uniform points of this span, not all in the same instant */
  arrivalSpreadMs: number;
  timeoutMs: number;
  onSent: (userId: number) => void;
  onResult: (r: RequestResult) => void;
  random?: () => number;
};

type Session = { timer: NodeJS.Timeout | undefined };

/**
 * Simulated Telegram users. An arriving user opens the bot (/start) and then sends a prompt every
 * `intervalMs` (uniform), the first one at a uniform point of the first interval, so arrivals are
 * already at their steady rate. A leaving user stops sending; requests in flight are still watched.
 */
export class SimulatedUsers {
  private readonly sessions = new Map<number, Session>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly random: () => number;
  private stopped = false;

  constructor(
    private readonly tg: TelegramEmulator,
    private readonly opts: UsersOptions,
  ) {
    this.random = opts.random ?? Math.random;
  }

  /** users in session (including those about to open the bot) */
  get active(): number {
    return this.sessions.size;
  }

  get pending(): number {
    return this.inFlight.size;
  }

  /** Makes exactly `n` users active: users `firstUserId .. firstUserId+n-1`. */
  setActive(n: number): void {
    const ids = [...this.sessions.keys()].sort((a, b) => a - b);
    for (const id of ids.slice(n)) this.leave(id);
    for (let i = 0; i < n; i++) {
      const id = this.opts.firstUserId + i;
      if (!this.sessions.has(id)) this.join(id);
    }
  }

  private join(id: number): void {
    const lang = id % 5 < 3 ? "ru" : "en";
    const user = this.tg.user(id, {
      languageCode: lang,
      firstName: lang === "ru" ? `Пользователь ${id}` : `User ${id}`,
    });
    const session: Session = { timer: undefined };
    this.sessions.set(id, session);
    session.timer = setTimeout(() => {
      if (this.stopped || this.sessions.get(id) !== session) return;
      user.sendCommand("start");
      this.schedule(id, session, this.random() * this.opts.intervalMs.max);
    }, this.random() * this.opts.arrivalSpreadMs);
  }

  private leave(id: number): void {
    const s = this.sessions.get(id);
    if (s?.timer) clearTimeout(s.timer);
    this.sessions.delete(id);
  }

  private schedule(id: number, session: Session, delayMs: number): void {
    session.timer = setTimeout(() => {
      if (this.stopped || this.sessions.get(id) !== session) return;
      this.request(id);
      const { min, max } = this.opts.intervalMs;
      this.schedule(id, session, min + this.random() * (max - min));
    }, delayMs);
  }

  private request(id: number): void {
    const user = this.tg.user(id);
    const prompts = user.info.language_code === "ru" ? PROMPTS_RU : PROMPTS_EN;
    const prompt = prompts[Math.floor(this.random() * prompts.length)] ?? "a cat";
    const sentAt = Date.now();
    const update = user.sendText(prompt);
    const messageId = update.message.message_id;
    this.opts.onSent(id);
    let statusId: number | undefined;
    const settle = (e: ChatEvent): boolean => {
      if (
        (e.kind === "photo" || e.kind === "document") &&
        e.message.reply_to_message?.message_id === messageId
      )
        return true;
      if (e.kind === "text" && e.message.reply_to_message?.message_id === messageId) {
        if (FAILURE_TEXT.test(e.text)) return true;
        statusId ??= e.message.message_id;
        return false;
      }
      return e.kind === "edit" && e.messageId === statusId && FAILURE_TEXT.test(e.message.text ?? "");
    };
    const watch = user
      .waitForNext(settle, this.opts.timeoutMs)
      .then(
        (e) => {
          if (e.kind === "photo" || e.kind === "document")
            this.opts.onResult({ userId: id, sentAt, ok: true, ms: e.at - sentAt });
          else {
            const text = e.kind === "text" ? e.text : e.kind === "edit" ? e.message.text : undefined;
            this.opts.onResult({ userId: id, sentAt, ok: false, kind: "error-text", text });
          }
        },
        () => this.opts.onResult({ userId: id, sentAt, ok: false, kind: "timeout" }),
      )
      .finally(() => this.inFlight.delete(watch));
    this.inFlight.add(watch);
  }

  /** Everyone leaves; waits (up to the request timeout) for the requests still in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const id of [...this.sessions.keys()]) this.leave(id);
    await Promise.all([...this.inFlight]);
  }

  /** Stops sending; in-flight requests keep being watched. */
  stopSending(): void {
    for (const id of [...this.sessions.keys()]) this.leave(id);
  }
}
