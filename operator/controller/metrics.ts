import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** The operator's Prometheus metrics (DESIGN.md, "Metrics"). */
export function operatorMetrics(registry: Registry) {
  const labelNames = ["namespace", "pool"] as const;
  return {
    desiredReplicas: new Gauge({
      name: "imagebot_operator_desired_replicas",
      help: "Replicas the last decision asked for.",
      labelNames,
      registers: [registry],
    }),
    currentReplicas: new Gauge({
      name: "imagebot_operator_current_replicas",
      help: "Replicas of the target as last read.",
      labelNames,
      registers: [registry],
    }),
    waitingJobs: new Gauge({
      name: "imagebot_operator_waiting_jobs",
      help: "Jobs ready and not taken (BullMQ wait + paused + prioritized).",
      labelNames,
      registers: [registry],
    }),
    activeJobs: new Gauge({
      name: "imagebot_operator_active_jobs",
      help: "Jobs taken by workers and not finished.",
      labelNames,
      registers: [registry],
    }),
    activeUsers: new Gauge({
      name: "imagebot_operator_active_users",
      help: "Users seen inside the pool's window.",
      labelNames,
      registers: [registry],
    }),
    reconcileDuration: new Histogram({
      name: "imagebot_operator_reconcile_duration_seconds",
      help: "Time one reconcile took.",
      labelNames: ["result"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    metricReadErrors: new Counter({
      name: "imagebot_operator_metric_read_errors_total",
      help: "Failed reads of queue and users from Redis.",
      labelNames,
      registers: [registry],
    }),
    scaleEvents: new Counter({
      name: "imagebot_operator_scale_events_total",
      help: "Changes of the target's replicas, by direction.",
      labelNames: [...labelNames, "direction"],
      registers: [registry],
    }),
  };
}

export type OperatorMetrics = ReturnType<typeof operatorMetrics>;
