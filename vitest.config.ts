import { defineConfig } from "vitest/config";

// Two projects: `unit` (pure code, no servers) and `integration` (a real redis-server and a real
// kube-apiserver + etcd, started once per run by test/harness/global-setup.ts).
// Files named *.int.test.ts are integration tests; every other *.test.ts is a unit test.
export default defineConfig({
  test: {
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: "test-results/vitest.json" },
    projects: [
      {
        test: {
          name: "unit",
          include: ["{common,operator,bot,worker,sim,test}/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          testTimeout: 10_000,
          // unit tests run first, then the integration tests with their own worker count
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "integration",
          include: ["{common,operator,bot,worker,sim,test}/**/*.int.test.ts"],
          globalSetup: ["test/harness/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // the machine has 2 cores and the control plane shares them
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
