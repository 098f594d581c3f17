// Preloaded into each worker process the demo starts (`node --import tsx --import <this> worker/main.ts`):
// the demo holds the other end of the worker's stdin, so end-of-file means the demo is gone (even
// SIGKILLed, when no cleanup could run). A worker must not outlive it: nothing would ever stop it.
process.stdin.on("end", () => process.kill(process.pid, "SIGKILL"));
process.stdin.on("error", () => process.kill(process.pid, "SIGKILL"));
process.stdin.resume();
// keep stdin from holding the worker open on its own: the worker's own handles decide when it ends
(process.stdin as unknown as { unref?: () => void }).unref?.();
