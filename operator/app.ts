import { AutoscalingV2Api, CoreV1Api, CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import { createRegistry, OpsServer } from "../common/http-server.js";
import type { Logger } from "../common/logger.js";
import type { OperatorConfig } from "./config.js";
import { Controller } from "./controller/controller.js";
import { EventRecorder } from "./controller/events.js";
import { operatorMetrics } from "./controller/metrics.js";
import { Reconciler } from "./controller/reconcile.js";
import { LeaseElector } from "./leader/lease-elector.js";
import { RedisObserver } from "./observe/observer.js";
import { DeploymentScaleTarget } from "./target/scale-target.js";

export type RunningOperator = {
  port: number;
  isLeader: () => boolean;
  ready: () => boolean;
  stop: () => Promise<void>;
};

/**
 * Wires the operator: ops server, leader election (optional), and the controller that runs only
 * while this replica leads. Losing the lease stops the controller and exits via `onLostLease`.
 */
export async function startOperator(
  cfg: OperatorConfig,
  kc: KubeConfig,
  log: Logger,
  onLostLease: () => void = () => process.exit(1),
): Promise<RunningOperator> {
  const registry = createRegistry("operator");
  const metrics = operatorMetrics(registry);
  const observer = new RedisObserver(cfg.REDIS_TIMEOUT);
  const reconciler = new Reconciler({
    objects: kc.makeApiClient(CustomObjectsApi),
    core: kc.makeApiClient(CoreV1Api),
    autoscaling: kc.makeApiClient(AutoscalingV2Api),
    observer,
    events: new EventRecorder(kc, log),
    metrics,
    log,
    targetFor: (namespace, name) => new DeploymentScaleTarget(kc, namespace, name),
  });
  const controller = new Controller(kc, reconciler, metrics, log, {
    namespace: cfg.WATCH_NAMESPACE,
    workers: cfg.RECONCILE_WORKERS,
  });

  let leading = false;
  let elector: LeaseElector | undefined;
  const lead = () => {
    leading = true;
    controller.start();
  };
  if (cfg.LEADER_ELECTION) {
    elector = new LeaseElector(
      kc,
      {
        namespace: cfg.LEADER_ELECTION_NAMESPACE,
        name: cfg.LEADER_ELECTION_LEASE,
        identity: cfg.POD_NAME,
        leaseDurationMs: cfg.LEASE_DURATION,
        renewDeadlineMs: cfg.RENEW_DEADLINE,
        retryPeriodMs: cfg.RETRY_PERIOD,
        onStartedLeading: lead,
        onStoppedLeading: () => {
          // as client-go: a replica that lost the lease must not keep scaling; stop and let it restart
          leading = false;
          void controller.stop().finally(onLostLease);
        },
      },
      log,
    );
    elector.start();
  } else {
    lead();
  }

  // ready when it can do its work: a standby is ready to take over; a leader once its watch synced
  const ready = () => !leading || controller.synced;
  const server = new OpsServer({ port: cfg.METRICS_PORT, registry, log, ready });
  const port = await server.start();
  return {
    port,
    isLeader: () => leading,
    ready,
    stop: async () => {
      await controller.stop();
      await elector?.stop();
      await observer.close();
      await server.close();
    },
  };
}
