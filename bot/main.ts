import { loadConfigOrExit } from "../common/config.js";
import { createLogger } from "../common/logger.js";
import { Shutdown } from "../common/shutdown.js";
import { startBot } from "./app.js";
import { botConfigSchema } from "./config.js";

const config = loadConfigOrExit(botConfigSchema);
const log = createLogger("bot", config.LOG_LEVEL);
// listen before start-up, so a SIGTERM that comes while connecting still shuts down in order
const starting = startBot(config, { log });
new Shutdown(log).add("bot", async () => (await starting).stop()).listen();
try {
  const running = await starting;
  running.failed.catch(() => process.exit(1));
} catch (err) {
  log.fatal({ err }, "bot failed to start");
  process.exit(1);
}
