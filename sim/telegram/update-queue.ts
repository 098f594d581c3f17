import { type Update, updateType } from "./types.js";

/** Telegram's default when allowed_updates was never given: everything but these. */
const notByDefault = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

/**
 * The bot's pending updates, in update_id order. An update stays until it is confirmed: by a
 * getUpdates offset above its id, or by a 2xx answer to its webhook delivery. allowed_updates
 * applies to updates created after it was set, as on Telegram; others are never stored.
 */
export class UpdateQueue {
  private items: Update[] = [];
  private head = 0;
  /** Updates confirmed out of order (parallel webhook deliveries), still behind the head. */
  private confirmedAhead = new Set<number>();
  private nextId: number;
  private allowed: Set<string> | undefined;
  private readonly listeners = new Set<() => void>();
  created = 0;
  confirmed = 0;
  filtered = 0;

  constructor(firstUpdateId = 1) {
    this.nextId = firstUpdateId;
  }

  get pendingCount(): number {
    return this.items.length - this.head - this.confirmedAhead.size;
  }

  /** `undefined` keeps the previous setting; an empty list means Telegram's default. */
  setAllowed(types: string[] | undefined): void {
    if (types === undefined) return;
    this.allowed = types.length > 0 ? new Set(types) : undefined;
  }

  get allowedUpdates(): string[] | undefined {
    return this.allowed ? [...this.allowed] : undefined;
  }

  /** Builds the update with the next id and queues it (unless its type isn't allowed). */
  push<U extends Update>(build: (updateId: number) => U): U {
    const update = build(this.nextId++);
    this.created += 1;
    const type = updateType(update);
    if (this.allowed ? !this.allowed.has(type) : notByDefault.has(type)) {
      this.filtered += 1;
      return update;
    }
    this.items.push(update);
    for (const listener of [...this.listeners]) listener();
    return update;
  }

  first(): Update | undefined {
    return this.items[this.head];
  }

  /** The pending updates in order, those confirmed out of order left out. */
  *pending(): Iterable<Update> {
    for (let i = this.head; i < this.items.length; i++) {
      const u = this.items[i];
      if (u && !this.confirmedAhead.has(u.update_id)) yield u;
    }
  }

  /** Confirms one update (a 2xx answer to its webhook delivery), in any order. */
  confirm(updateId: number): void {
    this.confirmedAhead.add(updateId);
    while (this.head < this.items.length && this.confirmedAhead.has(this.items[this.head]?.update_id ?? -1)) {
      this.confirmedAhead.delete(this.items[this.head]?.update_id ?? -1);
      this.head += 1;
      this.confirmed += 1;
    }
    this.compact();
  }

  peek(limit: number): Update[] {
    return this.items.slice(this.head, this.head + limit);
  }

  /** Confirms (forgets) every update with an id below `offset`. */
  confirmBelow(offset: number): void {
    while (this.head < this.items.length && (this.items[this.head]?.update_id ?? offset) < offset) {
      this.head += 1;
      this.confirmed += 1;
    }
    this.compact();
  }

  /** A negative getUpdates offset: keep only the last `count` updates. */
  keepLast(count: number): void {
    const drop = Math.max(0, this.pendingCount - count);
    this.head += drop;
    this.confirmed += drop;
    this.compact();
  }

  clear(): void {
    this.confirmed += this.pendingCount;
    this.items = [];
    this.head = 0;
    this.confirmedAhead.clear();
  }

  /** Calls `listener` after each new queued update; returns the unsubscribe function. */
  onPush(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
