import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../clock';
import { SeededRandom } from '../random';
import { Collector, closedPipe } from './pipe';
import { Interrupt } from './process';
import { type ContainerProcess, type ContainerRecord, SimulatedRuntime } from './runtime';

const BUSYBOX = 'docker.io/library/busybox:1.37';
const FILES = { hostname: 'web', hosts: '', resolvConf: '' };

/** started runs a busybox container whose PID 1 is command, on a fresh runtime. */
async function started(command: string[], process: ContainerProcess = {}): Promise<{ runtime: SimulatedRuntime; c: ContainerRecord; clock: ManualClock }> {
  const clock = new ManualClock();
  const runtime = new SimulatedRuntime(clock, new SeededRandom(1), () => '10.244.1.2', () => undefined, { cpus: 2, kernelVersion: '6.1.0-kubelab' });
  const sandboxP = runtime.runPodSandbox('uid');
  await clock.advance(1_000);
  const sandbox = await sandboxP;
  assert.ok(sandbox);
  const c = runtime.createContainer(sandbox, 'app', { ref: BUSYBOX, imageID: '', sizeBytes: 0 }, { files: FILES, command, ...process });
  const startP = runtime.startContainer(c);
  await clock.advance(1_000);
  await startP;
  return { runtime, c, clock };
}

/** stop stops the container with a 30 s grace period, stepping the clock a second at a time, and says when it ended. */
async function stop(runtime: SimulatedRuntime, c: ContainerRecord, clock: ManualClock): Promise<number> {
  const from = clock.now();
  let done = false;
  const stopped = runtime.stopContainer(c, 30_000).then(() => (done = true));
  for (let i = 0; i < 40 && !done; i++) await clock.advance(1_000);
  await stopped;
  return (c.finishedAt ?? 0) - from;
}

/** run runs a script in an exec'd sh of a busybox container and collects what it printed. */
async function run(script: string): Promise<{ out: string; err: string; exitCode: number | undefined }> {
  const { runtime, c, clock } = await started(['sleep', '3600']);
  const out = new Collector();
  const err = new Collector();
  const result = runtime.exec(c, ['sh', '-c', script], { stdin: closedPipe(), stdout: out, stderr: err }, new Interrupt());
  for (let i = 0; i < 20; i++) await clock.advance(1_000);
  const r = await result;
  return { out: out.text, err: err.text, exitCode: 'exitCode' in r ? r.exitCode : undefined };
}

test('a shell as PID 1 that traps TERM exits 0 on SIGTERM, at the end of the sleep it is in', async () => {
  const { runtime, c, clock } = await started(['sh', '-c', 'trap "echo bye; exit 0" TERM; while true; do sleep 1; done']);
  const took = await stop(runtime, c, clock);
  assert.equal(c.exitCode, 0);
  assert.equal(c.reason, 'Completed');
  assert.ok(took <= 1_000, `took ${took} ms`);
  assert.deepEqual(c.log.lines().map((l) => l.line), ['bye']);
});

test('a shell as PID 1 without a trap ignores SIGTERM and is killed at the end of the grace period', async () => {
  const { runtime, c, clock } = await started(['sh', '-c', 'while true; do sleep 1; done']);
  const took = await stop(runtime, c, clock);
  assert.equal(c.exitCode, 137);
  assert.equal(took, 30_000);
});

test('trap - TERM puts SIGTERM back to its default, which PID 1 ignores', async () => {
  const { runtime, c, clock } = await started(['sh', '-c', 'trap "exit 0" TERM; trap - TERM; while true; do sleep 1; done']);
  await stop(runtime, c, clock);
  assert.equal(c.exitCode, 137);
});

test('one trap names several signals, and its action runs before EXIT\'s', async () => {
  const { runtime, c, clock } = await started(['sh', '-c', 'trap "echo cleanup" EXIT; trap "echo term; exit 3" TERM INT; while true; do sleep 1; done']);
  await stop(runtime, c, clock);
  assert.equal(c.exitCode, 3);
  assert.deepEqual(c.log.lines().map((l) => l.line), ['term', 'cleanup']);
});

test('a trapped signal interrupts wait at once, with 128 + its number', async () => {
  const { runtime, c, clock } = await started(['sh', '-c', 'trap "echo got \\$?; exit 0" TERM; sleep 3600 & wait']);
  const took = await stop(runtime, c, clock);
  assert.equal(c.exitCode, 0);
  assert.equal(took, 0);
  assert.deepEqual(c.log.lines().map((l) => l.line), ['got 143']);
});

test('a process that is not PID 1 and has no handler dies of SIGTERM with 143', async () => {
  const got = await run('sleep 30 & pid=$!; kill $pid; wait $pid; echo $?');
  assert.deepEqual(got, { out: '143\n', err: '', exitCode: 0 });
});

test('kill -s and -SIG name the signal: SIGINT is 130, SIGKILL 137', async () => {
  const got = await run('sleep 30 & kill -s INT $!; wait $!; echo $?; sleep 30 & kill -9 $!; wait $!; echo $?');
  assert.equal(got.out, '130\n137\n');
});

test('an exec\'d `kill 1` reaches PID 1 from inside: a trap catches it, and without one nothing happens', async () => {
  const trapped = await started(['sh', '-c', 'trap "exit 7" TERM; while true; do sleep 1; done']);
  const r = trapped.runtime.exec(trapped.c, ['kill', '1'], { stdin: closedPipe(), stdout: new Collector(), stderr: new Collector() }, new Interrupt());
  await trapped.clock.advance(2_000);
  assert.deepEqual(await r, { exitCode: 0 });
  assert.equal(trapped.c.exitCode, 7);
  const plain = await started(['sleep', '3600']);
  const k = plain.runtime.exec(plain.c, ['kill', '-9', '1'], { stdin: closedPipe(), stdout: new Collector(), stderr: new Collector() }, new Interrupt());
  await plain.clock.advance(2_000);
  assert.deepEqual(await k, { exitCode: 0 });
  assert.equal(plain.c.finishedAt, undefined, 'init cannot be SIGKILLed from inside its namespace');
});

const cases: [string, string, { out: string; err: string; exitCode: number }][] = [
  ['trap lists the traps as it would set them', `trap 'echo "it'"'"'s done"' EXIT; trap '' INT; trap "exit 1" 15; trap`, { out: "trap -- 'echo \"it'\\''s done\"' EXIT\ntrap -- '' INT\ntrap -- 'exit 1' TERM\nit's done\n", err: '', exitCode: 0 }],
  ['a number first resets every operand', 'trap "exit 1" TERM HUP; trap 15 1; trap', { out: '', err: '', exitCode: 0 }],
  ['an unknown signal is refused, the rest set', 'trap "echo x" BOGUS TERM; echo $?; trap', { out: "1\ntrap -- 'echo x' TERM\n", err: 'sh: trap: BOGUS: invalid signal specification\n', exitCode: 0 }],
  ['the EXIT trap runs on exit and keeps its status', 'trap "echo bye" EXIT; exit 4', { out: 'bye\n', err: '', exitCode: 4 }],
  ['kill of a PID that is not there', 'kill 999; echo $?', { out: '1\n', err: "sh: can't kill pid 999: No such process\n", exitCode: 0 }],
  ['kill -l names a signal from an exit status', 'kill -l 143', { out: 'TERM\n', err: '', exitCode: 0 }],
  ['wait for a PID that is no job', 'wait 4242; echo $?', { out: '127\n', err: '', exitCode: 0 }],
];

for (const [what, script, want] of cases) {
  test(`busybox sh: ${what}`, async () => {
    assert.deepEqual(await run(script), want);
  });
}
