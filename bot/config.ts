import { z } from "zod";
import { env, parseEnv } from "../common/config.js";
import { redisKeys } from "../common/redis-keys.js";

/** Telegram's rule for a webhook secret token. */
const secretToken = z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, "must be 1-256 of A-Z a-z 0-9 _ -");

/** The bot's environment variables. */
export const botConfigSchema = z
  .object({
    /** The Bot API token (from @BotFather). Required; never logged. */
    BOT_TOKEN: z.string().regex(/^\d+:[\w-]+$/, "must look like 123456:ABC-DEF"),
    /** Where the Bot API lives; point it at sim/telegram for tests and the demo. */
    TELEGRAM_API_ROOT: z.url({ protocol: /^https?$/ }).default("https://api.telegram.org"),
    /** Set to switch to webhook mode: the public URL Telegram posts updates to. Unset: long polling. */
    WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Required in webhook mode: requests without this X-Telegram-Bot-Api-Secret-Token are refused. */
    WEBHOOK_SECRET: secretToken.optional(),
    /** The port the webhook server listens on (the path is WEBHOOK_URL's path). */
    WEBHOOK_PORT: env.port(8443),
    WEBHOOK_HOST: z.string().default("0.0.0.0"),
    /** Call setWebhook at start-up (turn off when a deploy step registers it once for all replicas). */
    WEBHOOK_REGISTER: env.bool(true),
    REDIS_URL: env.redisUrl(),
    /** A Redis command slower than this fails, and the user reads "busy, try again". */
    REDIS_COMMAND_TIMEOUT: env.duration("2s"),
    QUEUE_NAME: z
      .string()
      .regex(/^[^:]+$/, "must not contain ':'")
      .default(redisKeys.queueName),
    QUEUE_PREFIX: z.string().min(1).default(redisKeys.bullPrefix),
    /** Prefix of the bot's own keys: <prefix>:active-users, <prefix>:rl:<user>, ... */
    KEY_PREFIX: z.string().min(1).default("imagebot"),
    /** Image requests one user may make per minute (all replicas together). */
    RATE_LIMIT_PER_MINUTE: env.int(10, 1),
    /** Unfinished jobs (waiting or being made) one user may have at once. */
    RATE_LIMIT_PENDING_JOBS: env.int(3, 1),
    /** Active-user entries older than this are trimmed from the ZSET. */
    ACTIVE_USERS_RETENTION: env.duration("1h"),
    /** How long finished jobs stay in Redis: "make again" works and redeliveries are recognised for this long. */
    JOB_RETENTION: env.duration("24h"),
    /** Assumed time to make one image, for the wait estimate, until workers report their own. */
    ESTIMATED_JOB_TIME: env.duration("15s"),
    /** How often queue positions in status messages are refreshed (each chat at most once per interval). */
    STATUS_UPDATE_INTERVAL: env.duration("5s"),
    /** Most status edits per refresh, all chats together (Telegram allows about 30 messages a second). */
    STATUS_EDITS_PER_UPDATE: env.int(60, 1),
    /** Messages per second to one chat, and the burst, kept by the bot before Telegram has to say 429. */
    CHAT_MESSAGES_PER_SECOND: z.coerce.number().positive().default(1),
    CHAT_BURST: env.int(3, 1),
    /** A reply that would wait longer than this for the chat's budget is dropped (spam does not stall the bot). */
    REPLY_MAX_WAIT: env.duration("3s"),
    /** Language for users whose Telegram client sends no language_code. */
    DEFAULT_LANG: z.enum(["ru", "en"]).default("ru"),
    METRICS_PORT: env.port(9464),
    LOG_LEVEL: env.logLevel(),
  })
  .refine((c) => c.WEBHOOK_URL === undefined || c.WEBHOOK_SECRET !== undefined, {
    path: ["WEBHOOK_SECRET"],
    message: "is required when WEBHOOK_URL is set",
  });

export type BotConfig = z.infer<typeof botConfigSchema>;
export type BotConfigInput = z.input<typeof botConfigSchema>;

/** Parses the bot's environment (throws ConfigError naming the bad variables, never their values). */
export function parseBotConfig(source: NodeJS.ProcessEnv = process.env): BotConfig {
  return parseEnv(botConfigSchema, source);
}

export function isWebhookMode(config: BotConfig): config is BotConfig & { WEBHOOK_URL: string } {
  return config.WEBHOOK_URL !== undefined;
}
