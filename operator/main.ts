import { KubeConfig } from "@kubernetes/client-node";
import { loadConfigOrExit } from "../common/config.js";
import { createLogger } from "../common/logger.js";
import { Shutdown } from "../common/shutdown.js";
import { startOperator } from "./app.js";
import { operatorConfigSchema } from "./config.js";

const cfg = loadConfigOrExit(operatorConfigSchema);
const log = createLogger("imagebot-operator", cfg.LOG_LEVEL);
const kc = new KubeConfig();
try {
  // in a pod: the ServiceAccount; elsewhere: $KUBECONFIG or ~/.kube/config
  kc.loadFromDefault();
} catch (err) {
  log.fatal({ err: (err as Error).message, KUBECONFIG: process.env.KUBECONFIG }, "cannot load a kubeconfig");
  process.exit(1);
}

// listen before start-up, so a SIGTERM that comes while starting still releases the lease
const starting = startOperator(cfg, kc, log);
new Shutdown(log, cfg.SHUTDOWN_TIMEOUT).add("operator", async () => (await starting).stop()).listen();
await starting;
log.info(
  { namespace: cfg.WATCH_NAMESPACE ?? "(all)", leaderElection: cfg.LEADER_ELECTION, identity: cfg.POD_NAME },
  "operator started",
);
