import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorBody } from '../../fieldErrors';
import { LATEST, type Policy, majorMinor, policyToEvaluate } from './api';

const lv = (level: Policy['enforce']['level'], version = LATEST) => ({ level, version });

// Behaviour of pod-security-admission/api/helpers.go PolicyToEvaluate, ParseLevel and ParseVersion.
const cases: { name: string; labels?: Record<string, string>; policy: Policy; errors?: string[] }[] = [
  { name: 'no labels leave the privileged defaults', policy: { enforce: lv('privileged'), audit: lv('privileged'), warn: lv('privileged') } },
  {
    name: 'each mode reads its level and version',
    labels: { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.25', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/audit-version': 'latest' },
    policy: { enforce: lv('baseline', majorMinor(25)), audit: lv('restricted'), warn: lv('restricted') },
  },
  {
    name: 'a bad enforce level fails closed, bad audit and warn levels fail open',
    labels: { 'pod-security.kubernetes.io/enforce': 'strict', 'pod-security.kubernetes.io/warn': 'loud', 'pod-security.kubernetes.io/audit': 'all' },
    policy: { enforce: lv('restricted'), audit: lv('privileged'), warn: lv('privileged') },
    errors: [
      'metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted',
      'metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "all": must be one of privileged, baseline, restricted',
      'metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: "loud": must be one of privileged, baseline, restricted',
    ],
  },
  {
    name: 'a bad version reads as latest',
    labels: { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': '1.25' },
    policy: { enforce: lv('baseline'), audit: lv('privileged'), warn: lv('privileged') },
    errors: ['metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: "1.25": must be "latest" or "v1.x"'],
  },
];

for (const c of cases) {
  test(`policyToEvaluate: ${c.name}`, () => {
    const [policy, errs] = policyToEvaluate(c.labels);
    assert.deepEqual(policy, c.policy);
    assert.deepEqual(errs.map((e) => `${e.field}: ${errorBody(e)}`), c.errors ?? []);
  });
}
