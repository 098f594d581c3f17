import { hostname } from "node:os";
import { z } from "zod";
import { env } from "../common/config.js";

/** The operator's environment variables. */
export const operatorConfigSchema = z.object({
  /** Namespace to watch; empty or unset watches every namespace. */
  WATCH_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a namespace name")
    .optional(),
  METRICS_PORT: env.port(8080),
  LOG_LEVEL: env.logLevel(),
  LEADER_ELECTION: env.bool(true),
  LEADER_ELECTION_NAMESPACE: z.string().default("default"),
  LEADER_ELECTION_LEASE: z.string().default("imagebot-operator"),
  LEASE_DURATION: env.duration("15s"),
  RENEW_DEADLINE: env.duration("10s"),
  RETRY_PERIOD: env.duration("2s"),
  /** This replica's identity in the Lease (the pod name in a cluster). */
  POD_NAME: z.string().default(`${hostname()}-${process.pid}`),
  /** Deadline of one Redis read; a slower read counts as missing metrics. */
  REDIS_TIMEOUT: env.duration("2s"),
  RECONCILE_WORKERS: env.int(2, 1),
  SHUTDOWN_TIMEOUT: env.duration("20s"),
});

export type OperatorConfig = z.infer<typeof operatorConfigSchema>;
