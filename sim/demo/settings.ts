/** What one demo run does: the user phases, how users behave, and the pool and provider it runs with. */
export type DemoSettings = {
  quick: boolean;
  /** simulated users in each phase, in order */
  users: number[];
  phaseSeconds: number;
  /** each active user sends a prompt every min..max seconds (uniform) */
  sendIntervalSeconds: { min: number; max: number };
  /** the pool's users.window: covers the longest gap, so a user in session stays counted */
  usersWindowSeconds: number;
  scaleDownStabilizationSeconds: number;
  maxReplicas: number;
  perWorker: number;
  targetLength: number;
  /** jobs one worker process runs at once */
  concurrency: number;
  provider: { medianMs: number; sigma: number; failureRate: number };
  /** a request without a photo within this long counts as failed */
  requestTimeoutSeconds: number;
  reportEverySeconds: number;
  /** arriving users open the bot spread over this many seconds */
  arrivalSpreadSeconds: number;
  /**
   * Telegram's flood limit for the whole bot, messages per second (30 in Telegram). --quick
   * compresses time, so it scales the limit by the same factor to keep the same regime.
   */
  telegramGlobalPerSecond: number;
};

export class SettingsError extends Error {}

const positive = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new SettingsError(`${name}: must be a positive number`);
  return n;
};

function parseUsers(raw: string | undefined, fallback: number[]): number[] {
  if (raw === undefined || raw === "") return fallback;
  const list = raw.split(",").map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 0 || n > 5000))
    throw new SettingsError("DEMO_USERS: must be a comma-separated list of user counts, e.g. 100,200,300,0");
  return list;
}

/**
 * The demo's settings from its flags and environment. The full run keeps the users' real pace (a
 * prompt every 60–90 s); `--quick` compresses time (shorter phases, a prompt every 16–24 s, a faster
 * provider) so the same 100/200/300/0 story fits in about a minute and a half.
 */
export function demoSettings(argv: readonly string[], env: NodeJS.ProcessEnv): DemoSettings {
  const quick = argv.includes("--quick");
  const unknown = argv.filter((a) => a !== "--quick");
  if (unknown.length > 0) throw new SettingsError(`unknown argument ${unknown[0]} (only --quick is known)`);
  const base = quick
    ? {
        phaseSeconds: 15,
        sendIntervalSeconds: { min: 16, max: 24 },
        scaleDownStabilizationSeconds: 5,
        provider: { medianMs: 1000, sigma: 0.3, failureRate: 0.005 },
      }
    : {
        phaseSeconds: 60,
        sendIntervalSeconds: { min: 60, max: 90 },
        scaleDownStabilizationSeconds: 20,
        provider: { medianMs: 4000, sigma: 0.3, failureRate: 0.005 },
      };
  return {
    quick,
    users: parseUsers(env.DEMO_USERS, [100, 200, 300, 0]),
    phaseSeconds: positive("DEMO_PHASE_SECONDS", env.DEMO_PHASE_SECONDS, base.phaseSeconds),
    sendIntervalSeconds: base.sendIntervalSeconds,
    usersWindowSeconds: base.sendIntervalSeconds.max,
    scaleDownStabilizationSeconds: base.scaleDownStabilizationSeconds,
    maxReplicas: 12,
    perWorker: 30,
    targetLength: 50,
    concurrency: positive("DEMO_CONCURRENCY", env.DEMO_CONCURRENCY, 3),
    provider: base.provider,
    requestTimeoutSeconds: 90,
    reportEverySeconds: 5,
    arrivalSpreadSeconds: quick ? 3 : 10,
    telegramGlobalPerSecond: Math.round(
      30 * (75 / ((base.sendIntervalSeconds.min + base.sendIntervalSeconds.max) / 2)),
    ),
  };
}
