import { loadConfigOrExit } from "../common/config.js";
import { createLogger } from "../common/logger.js";
import { Shutdown } from "../common/shutdown.js";
import { workerConfigSchema } from "./config.js";
import { startWorker } from "./start-worker.js";

const cfg = loadConfigOrExit(workerConfigSchema);
const log = createLogger("imagebot-worker", cfg.LOG_LEVEL);
// listen before start-up, so a SIGTERM that comes while connecting still shuts down in order
const starting = startWorker(cfg, { log });
// SIGTERM: stop taking jobs, let running ones finish, hand back the rest, all within SHUTDOWN_TIMEOUT
new Shutdown(log, cfg.SHUTDOWN_TIMEOUT).add("worker", async () => (await starting).close()).listen();
await starting;
