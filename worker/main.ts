import { loadConfigOrExit } from "../common/config.js";
import { createLogger } from "../common/logger.js";
import { Shutdown } from "../common/shutdown.js";
import { workerConfigSchema } from "./config.js";
import { startWorker } from "./start-worker.js";

const cfg = loadConfigOrExit(workerConfigSchema);
const log = createLogger("imagebot-worker", cfg.LOG_LEVEL);
const running = await startWorker(cfg, { log });
// SIGTERM: stop taking jobs, let running ones finish, hand back the rest, all within SHUTDOWN_TIMEOUT
new Shutdown(log, cfg.SHUTDOWN_TIMEOUT).add("worker", () => running.close()).listen();
