import type { ProviderCallKind, ProviderContext } from "./image-provider.js";
import { ProviderError } from "./provider-error.js";

/** Runs one provider call and reports its kind and outcome to the context's hook. */
export async function countCall<T>(
  context: ProviderContext,
  kind: ProviderCallKind,
  call: () => Promise<T>,
  classify: { pending?: (value: T) => boolean } = {},
): Promise<T> {
  try {
    const value = await call();
    context.onCall?.(kind, classify.pending?.(value) ? "pending" : "ok");
    return value;
  } catch (err) {
    context.onCall?.(
      kind,
      err instanceof ProviderError && err.kind === "rate_limited" ? "rate_limited" : "error",
    );
    throw err;
  }
}
