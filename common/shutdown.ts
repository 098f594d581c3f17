import type { Logger } from "./logger.js";

export type Closer = { name: string; close: () => Promise<unknown> | unknown };

/**
 * Closes things in the order they were registered when SIGTERM or SIGINT arrives, within a
 * deadline. Register the thing that stops taking new work first (HTTP intake, queue consumer),
 * shared connections last. A second signal or the deadline exits at once with code 1.
 */
export class Shutdown {
  private readonly closers: Closer[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly log: Logger,
    private readonly deadlineMs = 25_000,
    private readonly exit: (code: number) => void = (code) => process.exit(code),
  ) {}

  add(name: string, close: Closer["close"]): this {
    this.closers.push({ name, close });
    return this;
  }

  listen(signals: NodeJS.Signals[] = ["SIGTERM", "SIGINT"]): this {
    for (const signal of signals) {
      process.on(signal, () => {
        if (this.running) {
          this.log.warn({ signal }, "second signal during shutdown, exiting now");
          this.exit(1);
          return;
        }
        this.log.info({ signal }, "shutting down");
        void this.run().then(
          () => this.exit(0),
          () => this.exit(1),
        );
      });
    }
    return this;
  }

  /** Runs every closer in order; resolves when all are done, rejects when the deadline passes. */
  run(): Promise<void> {
    this.running ??= new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.log.error({ deadlineMs: this.deadlineMs }, "shutdown deadline passed");
        reject(new Error("shutdown deadline passed"));
      }, this.deadlineMs);
      timer.unref();
      void (async () => {
        for (const c of this.closers) {
          try {
            await c.close();
            this.log.debug({ closer: c.name }, "closed");
          } catch (err) {
            this.log.error({ err, closer: c.name }, "close failed");
          }
        }
        clearTimeout(timer);
        resolve();
      })();
    });
    return this.running;
  }
}
