/**
 * crashWriter is the process the crash test kills: it opens a DurableStore in
 * the folder it is given and writes as fast as it can, 8 transactions in
 * flight, printing each one when the store acknowledges it, until it is killed.
 *
 * Usage: crashWriter DIR FIRST CHECKPOINT_BYTES. Transaction n creates
 * /crash/a/n and /crash/b/n (the same value: both or neither may exist) and
 * sets /crash/last to n; stdout gets `ready REVISION` once the store is open,
 * then `ack n REVISION` per acknowledged transaction (stdout is a pipe, written
 * synchronously, so a printed line was acknowledged before the kill).
 */
import { DurableStore } from '../../extension/src/lab/store/durableStore';

async function main(): Promise<void> {
  const [dir, first, checkpointBytes] = process.argv.slice(2);
  const store = await DurableStore.open({ dir, checkpointBytes: Number(checkpointBytes), warn: (m) => process.stderr.write(`${m}\n`) });
  process.stdout.write(`ready ${await store.revision()}\n`);
  let next = Number(first);
  const writer = async (): Promise<void> => {
    for (;;) {
      const n = next++;
      const value = `v${n}:${'x'.repeat(n % 300)}`;
      const res = await store.txn({
        compare: [{ key: `/crash/a/${n}`, target: 'create', result: '=', value: 0 }],
        success: [{ type: 'put', key: `/crash/a/${n}`, value }, { type: 'put', key: `/crash/b/${n}`, value }, { type: 'put', key: '/crash/last', value: String(n) }],
        failure: [],
      });
      process.stdout.write(`ack ${n} ${res.revision}\n`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
}

main().catch((err: unknown) => {
  process.stderr.write(`crashWriter: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
