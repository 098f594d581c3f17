// Starts the test control plane and a redis-server and keeps them up until Ctrl-C:
//   npx tsx test/harness/serve.ts     (then: export KUBECONFIG=<printed path>)
import { startControlPlane } from "./control-plane.js";
import { startRedisServer } from "./redis-server.js";

const [cp, redis] = await Promise.all([startControlPlane(), startRedisServer()]);
console.log(`KUBECONFIG=${cp.adminKubeconfig}`);
console.log(`REDIS_URL=${redis.url}`);
console.log(`logs: ${cp.dir}`);
const stop = async () => {
  await Promise.all([cp.stop(), redis.stop()]);
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
