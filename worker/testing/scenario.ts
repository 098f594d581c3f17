import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { parseEnv } from "../../common/config.js";
import { type ImageJobInput, jobIdFor } from "../../common/job.js";
import { imageJobOptions } from "../../common/job-options.js";
import { createLogger } from "../../common/logger.js";
import { redisKeys } from "../../common/redis-keys.js";
import { callOk } from "../../sim/telegram/api-client.js";
import type {
  ChatEvent,
  ChatRecord,
  EventOf,
  TelegramEmulator,
  TelegramEmulatorOptions,
} from "../../sim/telegram/index.js";
import { startTelegramEmulator } from "../../sim/telegram/index.js";
import type { Message } from "../../sim/telegram/types.js";
import { testRedis, testRedisUrl, uniqueName } from "../../test/harness/redis.js";
import { type WorkerConfig, workerConfigSchema } from "../config.js";
import { type RunningWorker, type StartWorkerOptions, startWorker } from "../start-worker.js";

let nextUserId = 5_000_000 + Math.floor(Math.random() * 1_000_000) * 10;

export type Request = { jobId: string; chatId: number; messageId: number; statusMessageId: number };

/**
 * One test's world: a Telegram emulator, a queue of its own on the run's Redis, and helpers that
 * act as the bot does (the user's message, the status message, the job) and start workers.
 */
export class Scenario {
  readonly queueName = uniqueName("img");
  readonly redis: Redis = testRedis();
  readonly queue: Queue;
  private readonly workers: RunningWorker[] = [];

  private constructor(readonly tg: TelegramEmulator) {
    this.queue = new Queue(this.queueName, { connection: this.redis, prefix: redisKeys.bullPrefix });
  }

  static async start(tgOptions: TelegramEmulatorOptions = { limits: { enabled: false } }): Promise<Scenario> {
    return new Scenario(await startTelegramEmulator(tgOptions));
  }

  /** The worker's environment for this scenario (the variables a pod would get). */
  env(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      BOT_TOKEN: this.tg.token,
      TELEGRAM_API_ROOT: this.tg.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_NAME: this.queueName,
      METRICS_PORT: "0",
      LOCAL_DELAY: "50ms",
      JOB_BACKOFF: "100ms",
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
      ...overrides,
    };
  }

  config(overrides: Record<string, string> = {}): WorkerConfig {
    return parseEnv(workerConfigSchema, this.env(overrides));
  }

  async startWorker(overrides: Record<string, string> = {}, options: StartWorkerOptions = {}) {
    const cfg = this.config(overrides);
    const running = await startWorker(cfg, {
      log: createLogger(`worker-${this.workers.length}`, cfg.LOG_LEVEL),
      ...options,
    });
    this.workers.push(running);
    return running;
  }

  /** A user writes a prompt; the bot answers with a status message and enqueues the job. */
  async request(
    prompt: string,
    extra: { options?: ImageJobInput["options"]; lang?: "ru" | "en"; attempts?: number } = {},
  ): Promise<Request> {
    nextUserId += 1;
    const user = this.tg.user(nextUserId, { languageCode: extra.lang ?? "en" });
    const update = user.sendText(prompt);
    const status = await callOk<Message>(this.tg.url, this.tg.token, "sendMessage", {
      chat_id: user.chatId,
      text: "⏳ queued",
    });
    const messageId = update.message.message_id;
    const jobId = jobIdFor(user.chatId, messageId);
    const payload: ImageJobInput = {
      v: 1,
      userId: user.id,
      chatId: user.chatId,
      messageId,
      statusMessageId: status.message_id,
      prompt,
      options: extra.options ?? { size: "512", fullSize: false },
      lang: extra.lang ?? "en",
      requestedAt: Date.now(),
    };
    await this.queue.add("image", payload, {
      jobId,
      ...imageJobOptions({ attempts: extra.attempts ?? 3, backoffMs: 100 }),
    });
    return { jobId, chatId: user.chatId, messageId, statusMessageId: status.message_id };
  }

  chat(chatId: number): ChatRecord {
    return this.tg.chat(chatId);
  }

  /** Waits for the image (photo or document) in a chat. */
  async image(chatId: number, timeoutMs = 15_000): Promise<EventOf<"photo"> | EventOf<"document">> {
    const event = await this.tg.waitFor(chatId, isImage, timeoutMs);
    return event as EventOf<"photo"> | EventOf<"document">;
  }

  /** Waits for the status message to become `text` (or a new text message saying it). */
  async notice(chatId: number, text: string, timeoutMs = 15_000): Promise<ChatEvent> {
    return this.tg.waitFor(
      chatId,
      (e) => (e.kind === "edit" && e.message.text === text) || (e.kind === "text" && e.text === text),
      timeoutMs,
    );
  }

  async jobState(jobId: string): Promise<string> {
    return this.queue.getJobState(jobId);
  }

  async waitForState(jobId: string, states: string[], timeoutMs = 15_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.jobState(jobId);
      if (states.includes(state)) return state;
      if (Date.now() > until) throw new Error(`job ${jobId} is ${state}, not ${states.join("/")}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await this.queue.close();
    await this.redis.quit();
    await this.tg.close(100);
  }
}

export function isImage(e: ChatEvent): boolean {
  return e.kind === "photo" || e.kind === "document";
}

/** Photos and documents the bot sent in a chat. */
export function imagesIn(record: ChatRecord): number {
  return record.events.filter(isImage).length;
}
