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

const operator = await startOperator(cfg, kc, log);
log.info(
  { namespace: cfg.WATCH_NAMESPACE ?? "(all)", leaderElection: cfg.LEADER_ELECTION, identity: cfg.POD_NAME },
  "operator started",
);
new Shutdown(log, cfg.SHUTDOWN_TIMEOUT).add("operator", () => operator.stop()).listen();
