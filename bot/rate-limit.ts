import type { Redis } from "ioredis";
import type { BotKeys } from "./keys.js";
import { withRedis } from "./redis.js";

export type Reservation =
  /** counted and recorded: go on and enqueue, then commit */
  | { kind: "accepted" }
  /** this request was seen before (a redelivered update): no job, not counted again */
  | { kind: "duplicate" }
  /** too many requests in the last minute; the oldest leaves the window in retryAfterMs */
  | { kind: "rate"; retryAfterMs: number }
  /** too many unfinished jobs */
  | { kind: "pending"; pending: number };

export type RateLimits = {
  perMinute: number;
  pendingJobs: number;
  /** how long a request id is remembered, so a redelivered update is recognised */
  rememberMs: number;
  /** a reservation whose job was not added within this time is stale (the bot stopped in between) */
  reserveGraceMs: number;
};

/*
 * One script, so every replica sees one consistent state per user.
 * KEYS[1] requests ZSET (member request id, score ms), KEYS[2] unfinished-jobs ZSET (member job id,
 * score accepted-at ms; negative while reserved and not yet added to the queue).
 * The jobs themselves (ARGV[7] .. id) are read to drop finished or removed ones; they are not in
 * KEYS, which is fine on a single Redis (the bot does not support Redis Cluster).
 */
const reserveLua = `
local requests, jobs = KEYS[1], KEYS[2]
local now, id = tonumber(ARGV[1]), ARGV[2]
local perMinute, maxPending = tonumber(ARGV[3]), tonumber(ARGV[4])
local windowMs, rememberMs = tonumber(ARGV[5]), tonumber(ARGV[6])
local jobPrefix, graceMs = ARGV[7], tonumber(ARGV[8])

local known = redis.call('ZSCORE', jobs, id)
if known then
  known = tonumber(known)
  if known > 0 or -known > now - graceMs then return {'duplicate', 0} end
  -- reserved long ago and never added: the bot stopped in between; take it up again, uncounted
  redis.call('ZADD', jobs, -now, id)
  return {'accepted', 0}
end
redis.call('ZREMRANGEBYSCORE', requests, '-inf', now - rememberMs)
if redis.call('ZSCORE', requests, id) then return {'duplicate', 0} end

local inWindow = redis.call('ZRANGEBYSCORE', requests, now - windowMs, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
if #inWindow > 0 and redis.call('ZCOUNT', requests, now - windowMs, '+inf') >= perMinute then
  return {'rate', tonumber(inWindow[2]) + windowMs - now}
end

local pending = 0
local members = redis.call('ZRANGE', jobs, 0, -1, 'WITHSCORES')
for i = 1, #members, 2 do
  local member, score = members[i], tonumber(members[i + 1])
  local live
  if score < 0 then
    -- a reservation: counts while fresh; kept a while after, so a redelivery can take it up
    live = -score > now - graceMs
    if -score < now - rememberMs then redis.call('ZREM', jobs, member) end
  else
    local key = jobPrefix .. member
    live = redis.call('EXISTS', key) == 1 and redis.call('HEXISTS', key, 'finishedOn') == 0
    if not live then redis.call('ZREM', jobs, member) end
  end
  if live then pending = pending + 1 end
end
if pending >= maxPending then return {'pending', pending} end

redis.call('ZADD', requests, now, id)
redis.call('PEXPIRE', requests, rememberMs)
redis.call('ZADD', jobs, -now, id)
redis.call('PEXPIRE', jobs, rememberMs + 7 * 86400000)
return {'accepted', 0}
`;

const windowMs = 60_000;

/**
 * The per-user limits, shared by all replicas: requests per minute (a sliding window) and
 * unfinished jobs. A request is identified by its job id, so a redelivered update is neither a
 * second job nor a second count. Refused requests are not recorded: waiting always helps.
 */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly keys: BotKeys,
    /** BullMQ's key prefix of one job in the queue ("bull:img_queue:") */
    private readonly jobKeyPrefix: string,
    private readonly limits: RateLimits,
  ) {
    if (!("imagebotReserve" in redis))
      redis.defineCommand("imagebotReserve", { numberOfKeys: 2, lua: reserveLua });
  }

  async reserve(userId: number, jobId: string, now: number): Promise<Reservation> {
    const l = this.limits;
    const reply = (await withRedis(this.redis, () =>
      // EVALSHA, falling back to EVAL once after a Redis restart emptied the script cache
      (
        this.redis as Redis & { imagebotReserve: (...args: (string | number)[]) => Promise<unknown> }
      ).imagebotReserve(
        this.keys.rateLimit(userId),
        this.keys.userJobs(userId),
        now,
        jobId,
        l.perMinute,
        l.pendingJobs,
        windowMs,
        l.rememberMs,
        this.jobKeyPrefix,
        l.reserveGraceMs,
      ),
    )) as [string, number];
    const [kind, value] = reply;
    if (kind === "rate") return { kind, retryAfterMs: Math.max(1000, Number(value)) };
    if (kind === "pending") return { kind, pending: Number(value) };
    if (kind === "duplicate") return { kind };
    return { kind: "accepted" };
  }

  /** The job is in the queue: from now on it counts while it is unfinished. */
  async commit(userId: number, jobId: string, now: number): Promise<void> {
    await withRedis(this.redis, () => this.redis.zadd(this.keys.userJobs(userId), "XX", now, jobId));
  }

  /** The job was never added (Redis failed, or the user blocked the bot): the request does not count. */
  async release(userId: number, jobId: string): Promise<void> {
    await withRedis(this.redis, () =>
      this.redis
        .multi()
        .zrem(this.keys.userJobs(userId), jobId)
        .zrem(this.keys.rateLimit(userId), jobId)
        .exec(),
    );
  }

  /** The job was cancelled: it stops counting as unfinished (the request itself still counts). */
  async forget(userId: number, jobId: string): Promise<void> {
    await withRedis(this.redis, () => this.redis.zrem(this.keys.userJobs(userId), jobId));
  }

  /** The user's job ids that may still be unfinished, oldest first (committed ones only). */
  async jobIds(userId: number): Promise<string[]> {
    const raw = await withRedis(this.redis, () =>
      this.redis.zrangebyscore(this.keys.userJobs(userId), 0, "+inf"),
    );
    return raw;
  }
}
