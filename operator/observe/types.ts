/** What one read of Redis tells about a pool's queue and users. */
export type QueueReading = {
  /** Ready and not taken: BullMQ wait + paused + prioritized; list length; stream lag. */
  waiting: number;
  /** Taken by a worker and not finished. */
  active: number;
  /** Retries in backoff and scheduled jobs (reported apart, never counted as waiting). */
  delayed: number;
  /** Users seen inside the window. */
  activeUsers: number;
  /** A counter that grows by one per job added (BullMQ's id counter, stream entries added); undefined when the kind has none. */
  addedTotal: number | undefined;
  /** Mean service time workers reported, seconds; undefined when none reported yet. */
  serviceTimeSeconds: number | undefined;
};

export type QueueSource = {
  kind: "bullmq" | "list" | "stream";
  /** BullMQ queue name, list key or stream key. */
  name: string;
  /** BullMQ key prefix. */
  prefix?: string;
  /** Consumer group, for streams (defaults to the first group). */
  consumerGroup?: string;
  usersKey: string;
  usersWindowMs: number;
  /** List of recent service times in ms (LPUSH by workers). */
  serviceTimeKey?: string;
};
