import type { z } from "zod";
import type {
  ConditionSchema,
  ImageWorkerPoolSchema,
  PoolSpecSchema,
  PoolStatusSchema,
  ScalingPolicySchema,
  ScalingRulesSchema,
} from "./schema.js";

/** The API group, version and names of crds/imageworkerpool.yaml. */
export const GROUP = "imagebot.dev";
export const VERSION = "v1alpha1";
export const API_VERSION = `${GROUP}/${VERSION}` as const;
export const PLURAL = "imageworkerpools";
export const KIND = "ImageWorkerPool";

export type ScalingPolicy = z.infer<typeof ScalingPolicySchema>;
export type ScalingRules = z.infer<typeof ScalingRulesSchema>;
/** A spec as the operator sees it: defaults applied, durations still strings (see specDurations). */
export type PoolSpec = z.infer<typeof PoolSpecSchema>;
/** A spec as a user may write it: every defaulted field optional. */
export type PoolSpecInput = z.input<typeof PoolSpecSchema>;
export type PoolStatus = z.infer<typeof PoolStatusSchema>;
export type Condition = z.infer<typeof ConditionSchema>;
export type ImageWorkerPool = z.infer<typeof ImageWorkerPoolSchema>;
