/**
 * The wait shown to a user: jobs ahead are made `parallel` at a time, where `parallel` is how many
 * jobs run now (at least one), each taking about `jobMs`. A guess, stated as one ("~30 s").
 */
export function estimateWaitSeconds(position: number, active: number, jobMs: number): number {
  const parallel = Math.max(1, active);
  return (Math.ceil(position / parallel) * jobMs) / 1000;
}
