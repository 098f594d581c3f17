import { Counter, Histogram, type Registry } from "prom-client";
import type { ProviderCallKind, ProviderCallOutcome } from "./providers/image-provider.js";

/** How one attempt at a job ended. */
export type AttemptOutcome =
  | "delivered"
  | "skipped"
  | "dropped"
  | "uncertain"
  | "retry"
  | "failed"
  | "requeued";

/** The worker's own metrics (DESIGN.md, "Metrics"). */
export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

export function createWorkerMetrics(registry: Registry) {
  return {
    jobDuration: new Histogram({
      name: "imagebot_worker_job_duration_seconds",
      help: "Time one attempt at a job took in this worker, by how it ended",
      labelNames: ["outcome"] as const,
      buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
      registers: [registry],
    }),
    timeToImage: new Histogram({
      name: "imagebot_worker_time_to_image_seconds",
      help: "From the user's request (payload requestedAt) to the image sent",
      buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300, 600],
      registers: [registry],
    }),
    providerCalls: new Counter({
      name: "imagebot_worker_provider_calls_total",
      help: "Calls to the image provider, by kind (submit, poll, download, generate) and outcome",
      labelNames: ["kind", "outcome"] as const,
      registers: [registry],
    }),
    failures: new Counter({
      name: "imagebot_worker_failures_total",
      help: "Failed attempts by reason; final is false when the job will be retried",
      labelNames: ["reason", "final"] as const,
      registers: [registry],
    }),
  };
}

export function countProviderCall(
  metrics: WorkerMetrics,
  kind: ProviderCallKind,
  outcome: ProviderCallOutcome,
): void {
  metrics.providerCalls.inc({ kind, outcome });
}
