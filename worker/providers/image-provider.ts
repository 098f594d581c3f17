import type { ImageSize } from "../../common/job.js";

export type GenerateRequest = {
  prompt: string;
  size: ImageSize;
  seed?: number;
  /** Aborts the whole generation: submit, polling and download. */
  signal: AbortSignal;
};

export type GeneratedImage = {
  bytes: Buffer;
  mime: string;
  width: number;
  height: number;
};

/** The provider calls the worker counts (`imagebot_provider_calls_total{kind,outcome}`). */
export type ProviderCallKind = "submit" | "poll" | "download" | "generate";
/** `pending`: a status call found the job unfinished; `rate_limited`: a 429. */
export type ProviderCallOutcome = "ok" | "pending" | "rate_limited" | "error";

export type ProviderContext = {
  onCall?: (kind: ProviderCallKind, outcome: ProviderCallOutcome) => void;
};

/** Makes one image. Errors are ProviderErrors (retryable or not), or the signal's reason on abort. */
export interface ImageProvider {
  readonly name: string;
  generate(request: GenerateRequest, context?: ProviderContext): Promise<GeneratedImage>;
}
