// KubeLab: Travel to Revision… and Back to Live on a stand-in vscode: the input
// box checks what is typed, the shared TimeTravel follows, and the
// kubelab.travelling context key says whether a past revision is shown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFakeVscode, installFakeVscode } from '../../../test/bench/fakeVscode';

const fake = createFakeVscode();
installFakeVscode(fake);

test('Travel to Revision asks for a revision, refuses one that is not, and Back to Live returns; the context key follows', async () => {
  const { registerTimeTravel } = await import('./timeTravelCommands.js');
  const { TimeTravel } = await import('./panels/timeTravel.js');
  const travel = new TimeTravel();
  const disposables = registerTimeTravel(travel);
  const contextKey = (): unknown => fake.executed.filter((c) => c[0] === 'setContext' && c[1] === 'kubelab.travelling').at(-1)?.[2];
  try {
    assert.equal(contextKey(), false);
    let validation: unknown;
    fake.input = (options) => {
      validation = options.validateInput?.('abc');
      return ' 42 ';
    };
    await fake.commands.get('kubelab.travelToRevision')?.();
    assert.equal(validation, '"abc" is not a revision: give a whole number from 1 up.');
    assert.equal(travel.revision, 42);
    assert.equal(contextKey(), true);

    // A caller may pass the revision; a bad one is refused with why, and nothing changes.
    await fake.commands.get('kubelab.travelToRevision')?.(0);
    assert.equal(travel.revision, 42);
    assert.deepEqual(fake.messages.at(-1), { level: 'error', text: 'KubeLab: "0" is not a revision: give a whole number from 1 up.' });
    await fake.commands.get('kubelab.travelToRevision')?.(7);
    assert.equal(travel.revision, 7);

    // Escape changes nothing.
    fake.input = () => undefined;
    await fake.commands.get('kubelab.travelToRevision')?.();
    assert.equal(travel.revision, 7);

    await fake.commands.get('kubelab.backToLive')?.();
    assert.equal(travel.revision, null);
    assert.equal(contextKey(), false);
  } finally {
    for (const d of disposables) d.dispose();
  }
});
