import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FeedTravel, type TravelMessage } from './feedTravel';
import type { TravelFailure } from './revisionCache';

interface View { name: string }

/** fakeFeed records what the FeedTravel asks of it; reads wait until the test resolves them. */
function fakeFeed() {
  const log: string[] = [];
  const posted: TravelMessage[] = [];
  const reads = new Map<number, (r: View | TravelFailure) => void>();
  const live: View = { name: 'live' };
  const travel: FeedTravel<View> = new FeedTravel<View>(live, (m) => posted.push(m), {
    stop: () => log.push('stop'),
    read: (revision) => new Promise((resolve) => reads.set(revision, resolve)),
    resnapshot: () => {
      log.push(`snapshot ${travel.view.name}`);
      travel.snapshotSent();
    },
  });
  return { travel, log, posted, reads, live };
}

test('FeedTravel shows a past revision once read, drops a read another travel overtook, and goes back to live with a snapshot', async () => {
  const { travel, log, posted, reads, live } = fakeFeed();
  travel.snapshotSent();
  const first = travel.to(5);
  const second = travel.to(7);
  assert.equal(travel.revision, 7);
  reads.get(7)?.({ name: 'at 7' });
  await second;
  reads.get(5)?.({ name: 'at 5' });
  await first;
  assert.equal(travel.view.name, 'at 7');
  assert.deepEqual(log, ['stop', 'stop', 'snapshot at 7']);
  assert.deepEqual(posted, [{ type: 'travel', travel: { revision: 7 } }]);

  await travel.to(null);
  assert.equal(travel.view, live);
  assert.equal(travel.revision, null);
  assert.deepEqual(log.slice(3), ['stop', 'snapshot live']);
  assert.deepEqual(posted.slice(1), [{ type: 'travel', travel: { revision: null } }]);
  // Live again while live sends nothing.
  await travel.to(null);
  assert.deepEqual(log.slice(5), ['stop']);
  assert.equal(posted.length, 2);
});

test('FeedTravel says why a revision cannot be shown, keeps the view, and tells nothing before the first snapshot or after dispose', async () => {
  const { travel, log, posted, reads, live } = fakeFeed();
  const refused = travel.to(3);
  reads.get(3)?.({ error: 'Revision 3 has been compacted away' });
  await refused;
  assert.equal(travel.view, live);
  assert.deepEqual(posted, []);
  travel.snapshotSent();
  assert.deepEqual(posted, [{ type: 'travel', travel: { revision: 3, error: 'Revision 3 has been compacted away' } }]);

  const late = travel.to(4);
  travel.dispose();
  reads.get(4)?.({ name: 'at 4' });
  await late;
  assert.equal(travel.view, live);
  assert.equal(posted.length, 1);
  assert.deepEqual(log, ['stop', 'stop']);
});
