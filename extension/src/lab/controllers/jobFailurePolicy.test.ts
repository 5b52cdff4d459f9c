import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../api/types';
import type { PodFailurePolicyRule } from '../apiserver/validation/types/batch';
import { matchPodFailurePolicy } from './jobFailurePolicy';

const failed = (exitCodes: Record<string, number>, conditions: { type: string; status: 'True' | 'False' }[] = []): Pod => ({
  metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [] },
  status: {
    phase: 'Failed', conditions,
    containerStatuses: Object.entries(exitCodes).map(([name, exitCode]) => ({ name, image: '', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode } }, lastState: {} })),
  },
});

test('pod failure policy rules decide in order, with upstream messages', () => {
  const rules: PodFailurePolicyRule[] = [
    { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
    { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
    { action: 'Count', onExitCodes: { operator: 'NotIn', values: [1, 2] } },
    { action: 'FailIndex', onExitCodes: { operator: 'In', values: [1] } },
  ];
  const cases: [string, Pod, ReturnType<typeof matchPodFailurePolicy>][] = [
    ['a disruption is ignored', failed({ main: 42 }, [{ type: 'DisruptionTarget', status: 'True' }]), { countFailed: false, action: 'Ignore' }],
    ['a False condition does not match', failed({ main: 42 }, [{ type: 'DisruptionTarget', status: 'False' }]), { countFailed: true, action: 'FailJob', failJobMessage: 'Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1' }],
    ['the container name must match', failed({ side: 42 }), { countFailed: true, action: 'Count' }],
    ['NotIn excludes the listed codes', failed({ main: 1 }), { countFailed: true, action: 'FailIndex' }],
    ['exit code 0 never matches', failed({ main: 0 }), { countFailed: true }],
  ];
  for (const [name, pod, want] of cases) assert.deepEqual(matchPodFailurePolicy({ rules }, pod), want, name);
});

test('an onPodConditions FailJob rule names the condition', () => {
  const pod = failed({ main: 137 }, [{ type: 'Ready', status: 'False' }, { type: 'DisruptionTarget', status: 'True' }]);
  assert.deepEqual(matchPodFailurePolicy({ rules: [{ action: 'FailJob', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] }, pod), {
    countFailed: true, action: 'FailJob', failJobMessage: 'Pod ns/p has condition DisruptionTarget matching FailJob rule at index 0',
  });
  assert.deepEqual(matchPodFailurePolicy(undefined, pod), { countFailed: true });
});
