import assert from 'node:assert/strict';
import { test } from 'node:test';
import { minTolerationMs } from '../controllers/taintEvictionController';
import { getMatchingTolerations } from './taints';
import type { Taint, Toleration } from './types';

const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
const notReady: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' };
const forUnreachable = (seconds?: number): Toleration => ({ key: unreachable.key, operator: 'Exists', effect: 'NoExecute', ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) });

// GetMatchingTolerations and the taint manager's getMinTolerationTime: when a pod on a NoExecute-tainted node is deleted.
const cases: [string, Taint[], Toleration[] | undefined, boolean, number][] = [
  ['no tolerations: at once', [unreachable], undefined, false, 0],
  ['the default 300 s toleration', [unreachable], [forUnreachable(300)], true, 300_000],
  ['a toleration without seconds: never', [unreachable], [forUnreachable()], true, -1],
  ['zero seconds: at once', [unreachable], [forUnreachable(0)], true, 0],
  ['two taints, the shorter toleration wins', [unreachable, notReady], [forUnreachable(600), { key: notReady.key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }], true, 60_000],
  ['one of two taints untolerated: at once', [unreachable, notReady], [forUnreachable(300)], false, 0],
];

for (const [what, taints, tolerations, allTolerated, ms] of cases) {
  test(`a pod on a NoExecute-tainted node: ${what}`, () => {
    const got = getMatchingTolerations(taints, tolerations);
    assert.equal(got.allTolerated, allTolerated);
    assert.equal(allTolerated ? minTolerationMs(got.used) : 0, ms);
  });
}
