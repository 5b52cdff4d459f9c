/** testLab starts a whole lab on a manual clock for integration tests, which then step the clock. */
import type { Deployment } from './api/types';
import { ManualClock } from './clock';
import { Lab, type LabConfig } from './lab';

/** startTestLab builds and starts a lab of nodes nodes (with any other settings in config); start-up's own timers fire on the clock's first step. */
export async function startTestLab(nodes = 3, seed = 7, config: Omit<Partial<LabConfig>, 'nodes' | 'clock' | 'seed'> = {}): Promise<{ lab: Lab; clock: ManualClock }> {
  const clock = new ManualClock();
  const lab = new Lab({ ...config, nodes, clock, seed });
  const started = lab.start();
  await clock.advance(0);
  await started;
  return { lab, clock };
}

/**
 * webDeployment is the Deployment tests start from: `web` in default, 3 replicas of
 * nginx:1.27 labelled app=web, with requests when the test needs the scheduler to count them.
 */
export function webDeployment(requests?: { cpu: string; memory: string }): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ...(requests ? { resources: { requests } } : {}) }] } },
    },
  };
}

/** CountingClock is the manual clock with a giveWay that counts its calls and lets the loop run on at once. */
export class CountingClock extends ManualClock {
  turns = 0;

  giveWay(): Promise<void> {
    this.turns++;
    return Promise.resolve();
  }
}
