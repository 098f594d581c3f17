import { loadConfigOrExit } from "../common/config.js";
import { createLogger } from "../common/logger.js";
import { Shutdown } from "../common/shutdown.js";
import { startBot } from "./app.js";
import { botConfigSchema } from "./config.js";

const config = loadConfigOrExit(botConfigSchema);
const log = createLogger("bot", config.LOG_LEVEL);
try {
  const running = await startBot(config, { log });
  new Shutdown(log).add("bot", () => running.stop()).listen();
  running.failed.catch(() => process.exit(1));
} catch (err) {
  log.fatal({ err }, "bot failed to start");
  process.exit(1);
}
