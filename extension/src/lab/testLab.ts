/** testLab starts a whole lab on a manual clock for integration tests, which then step the clock. */
import { ManualClock } from './clock';
import { Lab } from './lab';

/** startTestLab builds and starts a lab of nodes nodes; start-up's own timers fire on the clock's first step. */
export async function startTestLab(nodes = 3, seed = 7): Promise<{ lab: Lab; clock: ManualClock }> {
  const clock = new ManualClock();
  const lab = new Lab({ nodes, clock, seed });
  const started = lab.start();
  await clock.advance(0);
  await started;
  return { lab, clock };
}
