import { z } from "zod";
import { loadConfigOrExit } from "../../common/config.js";
import { createLogger } from "../../common/logger.js";
import { Shutdown } from "../../common/shutdown.js";
import { startTelegramEmulator } from "./emulator.js";

/** The Bot API emulator as a process, for the demo and benches that run the bot separately. */
const envSchema = z.object({
  TELEGRAM_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  TELEGRAM_SIM_HOST: z.string().default("127.0.0.1"),
  /** comma-separated tokens to accept; unset accepts any well-formed token */
  TELEGRAM_SIM_TOKENS: z.string().optional(),
  TELEGRAM_SIM_FLOOD_LIMITS: z.enum(["on", "off"]).default("on"),
  TELEGRAM_SIM_PER_CHAT_PER_SECOND: z.coerce.number().positive().default(1),
  TELEGRAM_SIM_PER_CHAT_BURST: z.coerce.number().int().positive().default(3),
  TELEGRAM_SIM_GLOBAL_PER_SECOND: z.coerce.number().positive().default(30),
  TELEGRAM_SIM_OPEN_CHATS: z.enum(["true", "false"]).default("false"),
  LOG_LEVEL: z.string().default("info"),
});

const env = loadConfigOrExit(envSchema);
const log = createLogger("telegram-sim", env.LOG_LEVEL);
const tokens = env.TELEGRAM_SIM_TOKENS?.split(",")
  .map((t) => t.trim())
  .filter(Boolean);
const tg = await startTelegramEmulator({
  port: env.TELEGRAM_SIM_PORT,
  host: env.TELEGRAM_SIM_HOST,
  ...(tokens && tokens.length > 0 ? { token: tokens } : {}),
  openChats: env.TELEGRAM_SIM_OPEN_CHATS === "true",
  limits: {
    enabled: env.TELEGRAM_SIM_FLOOD_LIMITS === "on",
    perChat: { perSecond: env.TELEGRAM_SIM_PER_CHAT_PER_SECOND, burst: env.TELEGRAM_SIM_PER_CHAT_BURST },
    global: {
      perSecond: env.TELEGRAM_SIM_GLOBAL_PER_SECOND,
      burst: Math.ceil(env.TELEGRAM_SIM_GLOBAL_PER_SECOND),
    },
  },
  log,
});
log.info({ apiRoot: tg.apiRoot, control: tg.controlUrl }, "telegram emulator listening");
// the one line scripts read: the apiRoot to give the bot
console.log(`TELEGRAM_API_ROOT=${tg.apiRoot}`);
new Shutdown(log).add("telegram emulator", () => tg.close()).listen();
