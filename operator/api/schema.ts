import { z } from "zod";
import { parseDuration } from "../../common/config.js";
import {
  API_VERSION,
  type ImageWorkerPool,
  KIND,
  type PoolSpec,
  type PoolSpecInput,
  type ScalingPolicy,
} from "./types.js";

// The zod mirror of crds/imageworkerpool.yaml. Every default, bound, enum and CEL rule there has
// its twin here; crd-agreement.int.test.ts holds the two together on operator/api/examples.ts.

/** Go-style durations without "us"/"ns": what both parseDuration and CEL's duration() accept. */
export const DURATION_PATTERN = /^([0-9]{1,6}(\.[0-9]{1,6})?(ms|s|m|h))+$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const REDIS_URL = /^rediss?:\/\/.+/;
const CONDITION_TYPE =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/;
const CONDITION_REASON = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;

const replicaCount = z.int().min(0).max(1000);

const dnsName = z
  .string()
  .min(1)
  .max(253)
  .regex(DNS_SUBDOMAIN, "must be a lowercase DNS name such as image-worker");

const duration = z
  .string()
  .max(16)
  .regex(DURATION_PATTERN, 'must be a duration such as "500ms", "5s", "5m" or "1h30m"')
  // only judge the value when the shape is right; the pattern reports malformed strings
  .refine((s) => (parseDuration(s) ?? 1) > 0, "must be greater than zero");

const redisKey = z.string().min(1).max(512);

export const ScalingPolicySchema = z.object({
  type: z.enum(["Pods", "Percent"]),
  value: z.int().min(1).max(10_000),
  periodSeconds: z.int().min(1).max(1800),
});

function scalingRulesSchema(defaults: { stabilizationWindowSeconds: number; policies: ScalingPolicy[] }) {
  return z.object({
    stabilizationWindowSeconds: z.int().min(0).max(3600).default(defaults.stabilizationWindowSeconds),
    selectPolicy: z.enum(["Max", "Min", "Disabled"]).default("Max"),
    policies: z
      .array(ScalingPolicySchema)
      .min(1)
      .max(10)
      .default(() => defaults.policies.map((p) => ({ ...p }))),
  });
}

/** HPA's default scale-up: no stabilization; +100% or +4 pods per 15 s, whichever is more. */
export const DEFAULT_SCALE_UP = {
  stabilizationWindowSeconds: 0,
  policies: [
    { type: "Percent", value: 100, periodSeconds: 15 },
    { type: "Pods", value: 4, periodSeconds: 15 },
  ],
} satisfies { stabilizationWindowSeconds: number; policies: ScalingPolicy[] };

/** HPA's default scale-down: the highest recommendation of the last 300 s; up to 100% per 15 s. */
export const DEFAULT_SCALE_DOWN = {
  stabilizationWindowSeconds: 300,
  policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
} satisfies { stabilizationWindowSeconds: number; policies: ScalingPolicy[] };

export const ScalingRulesSchema = scalingRulesSchema(DEFAULT_SCALE_UP);

export const PoolSpecSchema = z
  .object({
    scaleTargetRef: z.object({ name: dnsName }),
    minReplicas: replicaCount.default(1),
    maxReplicas: z.int().min(1).max(1000).default(20),
    redis: z
      .object({
        url: z.string().max(2048).regex(REDIS_URL, "must be a redis:// or rediss:// URL").optional(),
        secretRef: z
          .object({
            name: dnsName,
            key: z.string().min(1).max(253).regex(SECRET_KEY, "must be a valid Secret key"),
          })
          .optional(),
      })
      .refine((r) => (r.url === undefined) !== (r.secretRef === undefined), {
        message: "set exactly one of redis.url and redis.secretRef",
      }),
    queue: z
      .object({
        kind: z.enum(["bullmq", "list", "stream"]).default("bullmq"),
        name: redisKey.default("img_queue"),
        consumerGroup: redisKey.optional(),
        targetLength: z.int().min(1).max(1_000_000).default(50),
        activationLength: z.int().min(0).max(1_000_000).default(0),
      })
      .refine((q) => q.kind !== "stream" || q.consumerGroup !== undefined, {
        message: "queue.consumerGroup is required when queue.kind is stream",
      })
      .prefault({}),
    users: z
      .object({
        key: redisKey.default("imagebot:active-users"),
        window: duration.default("5m"),
        perWorker: z.int().min(1).max(100_000).default(30),
      })
      .prefault({}),
    latency: z
      .object({
        targetSeconds: z.number().gt(0).max(86_400).optional(),
        concurrency: z.int().min(1).max(1000).default(1),
      })
      .optional(),
    behavior: z
      .object({
        scaleUp: scalingRulesSchema(DEFAULT_SCALE_UP).prefault({}),
        scaleDown: scalingRulesSchema(DEFAULT_SCALE_DOWN).prefault({}),
      })
      .prefault({}),
    pollInterval: duration.default("5s"),
    fallback: z
      .object({
        replicas: replicaCount.optional(),
        afterFailures: z.int().min(1).max(1000).default(3),
      })
      .prefault({}),
    paused: z.boolean().default(false),
  })
  .refine((s) => s.minReplicas <= s.maxReplicas, {
    message: "minReplicas must be less than or equal to maxReplicas",
  });

const timestamp = z.iso.datetime({ offset: true });
const count = z.int().min(0);

export const ConditionSchema = z.object({
  type: z.string().max(316).regex(CONDITION_TYPE, "must be a CamelCase condition type"),
  status: z.enum(["True", "False", "Unknown"]),
  observedGeneration: count.optional(),
  lastTransitionTime: timestamp,
  reason: z.string().min(1).max(1024).regex(CONDITION_REASON, "must be a CamelCase reason"),
  message: z.string().max(32_768),
});

export const PoolStatusSchema = z.object({
  observedGeneration: count.optional(),
  replicas: count.optional(),
  desiredReplicas: count.optional(),
  recommendedReplicas: count.optional(),
  activeUsers: count.optional(),
  queueLength: count.optional(),
  activeJobs: count.optional(),
  delayedJobs: count.optional(),
  lastScaleTime: timestamp.optional(),
  lastMetricsTime: timestamp.optional(),
  consecutiveFailures: count.optional(),
  recommendations: z
    .array(z.object({ timestamp, replicas: count }))
    .max(256)
    .optional(),
  scaleEvents: z
    .array(z.object({ timestamp, change: z.int() }))
    .max(256)
    .optional(),
  conditions: z.array(ConditionSchema).max(16).optional(),
});

export const ImageWorkerPoolSchema = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal(KIND),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().min(1).optional(),
    generation: z.int().optional(),
    resourceVersion: z.string().optional(),
    uid: z.string().optional(),
  }),
  spec: PoolSpecSchema,
  status: PoolStatusSchema.optional(),
});

export type ParsePoolResult = { ok: true; pool: ImageWorkerPool } | { ok: false; message: string };

/**
 * Parses an ImageWorkerPool as the API server would admit it: defaults applied, bounds and rules
 * checked. The message names each bad field by its path, e.g. "spec.queue.targetLength: must be
 * at least 1"; it is meant for a condition and an event, so it stays short.
 */
export function parsePool(obj: unknown): ParsePoolResult {
  const input = withoutNulls(obj);
  const result = ImageWorkerPoolSchema.safeParse(input);
  if (result.success) return { ok: true, pool: result.data };
  return { ok: false, message: result.error.issues.map((issue) => describeIssue(issue, input)).join("; ") };
}

/** Parses just a spec (defaults applied); throws a z.ZodError. Handy for tests and local mode. */
export function parseSpec(spec: PoolSpecInput): PoolSpec {
  return PoolSpecSchema.parse(withoutNulls(spec));
}

/** The spec's durations in milliseconds. The schema has already checked they parse. */
export function specDurations(spec: PoolSpec): { usersWindowMs: number; pollIntervalMs: number } {
  return { usersWindowMs: durationToMs(spec.users.window), pollIntervalMs: durationToMs(spec.pollInterval) };
}

/** A duration string such as "5m" or "1h30m" in milliseconds; throws on a malformed one. */
export function durationToMs(s: string): number {
  const ms = parseDuration(s);
  if (ms === undefined) throw new Error(`not a duration: ${JSON.stringify(s)}`);
  return ms;
}

/**
 * The API server prunes a null object field that is not nullable before defaulting, so
 * `minReplicas: null` means "use the default". Array items keep their nulls (and fail), as there.
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (isPlainObject(item) ? withoutNulls(item) : item));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v !== null) out[key] = withoutNulls(v);
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(object)" : out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const part of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case "invalid_type":
      return valueAt(input, issue.path) === undefined
        ? `${path}: is required`
        : `${path}: must be ${issue.expected === "int" ? "an integer" : `a ${issue.expected}`}`;
    case "invalid_value":
      return `${path}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      if (issue.origin === "array") return `${path}: must have at least ${String(issue.minimum)} item(s)`;
      if (issue.origin === "string")
        return `${path}: must be at least ${String(issue.minimum)} character(s) long`;
      return `${path}: must be ${issue.inclusive === false ? "greater than" : "at least"} ${String(issue.minimum)}`;
    case "too_big":
      if (issue.origin === "array") return `${path}: must have at most ${String(issue.maximum)} item(s)`;
      if (issue.origin === "string")
        return `${path}: must be at most ${String(issue.maximum)} character(s) long`;
      return `${path}: must be ${issue.inclusive === false ? "less than" : "at most"} ${String(issue.maximum)}`;
    default:
      // custom refinements and regex formats carry their own message
      return `${path}: ${issue.message}`;
  }
}
