import { parseArgs } from "node:util";
import { createLogger } from "../../common/logger.js";
import { startProviderEmulator } from "./emulator.js";
import { parseLatency } from "./latency.js";

const USAGE = `usage: tsx sim/provider/main.ts [options]
  --port N               listen port (default 0: any free port)
  --host H               listen address (default 127.0.0.1)
  --latency SPEC         fixed:MS or lognormal:MEDIAN_MS:SIGMA[:MAX_MS] (default lognormal:8000:0.3)
  --failure-rate R       share of jobs that fail (0..1)
  --error-rate R         share of requests answered 500
  --rate-limit-rate R    share of requests answered 429
  --retry-after S        Retry-After seconds on 429 (default 1)
  --hang-rate R          share of requests never answered
  --seed N               repeatable randomness
  --token T              require this bearer token`;

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    host: { type: "string", default: "127.0.0.1" },
    latency: { type: "string", default: "lognormal:8000:0.3" },
    "failure-rate": { type: "string", default: "0" },
    "error-rate": { type: "string", default: "0" },
    "rate-limit-rate": { type: "string", default: "0" },
    "retry-after": { type: "string", default: "1" },
    "hang-rate": { type: "string", default: "0" },
    seed: { type: "string" },
    token: { type: "string" },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const log = createLogger("provider-emulator");
const emulator = await startProviderEmulator({
  port: Number(values.port),
  host: values.host,
  latency: parseLatency(values.latency),
  faults: {
    failureRate: Number(values["failure-rate"]),
    errorRate: Number(values["error-rate"]),
    rateLimitRate: Number(values["rate-limit-rate"]),
    retryAfterSeconds: Number(values["retry-after"]),
    hangRate: Number(values["hang-rate"]),
  },
  seed: values.seed === undefined ? undefined : Number(values.seed),
  token: values.token,
});
log.info({ url: emulator.url, latency: values.latency }, "provider emulator listening");

const stop = (signal: string): void => {
  log.info({ signal, stats: emulator.stats() }, "stopping");
  void emulator.close().then(() => process.exit(0));
};
process.once("SIGINT", () => stop("SIGINT"));
process.once("SIGTERM", () => stop("SIGTERM"));
