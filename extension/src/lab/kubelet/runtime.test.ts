import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../clock';
import { SeededRandom } from '../random';
import { ContainerLog, type LogEntry, type LogOptions, readLogs, rfc3339Nano } from './containerLog';
import { SimulatedRuntime } from './runtime';

const T0 = Date.UTC(2026, 0, 1);
const entries: LogEntry[] = [
  { time: T0, stream: 'stdout', line: 'one' },
  { time: T0 + 1_500, stream: 'stderr', line: 'two' },
  { time: T0 + 10_120, stream: 'stdout', line: 'three' },
];
const plain: LogOptions = { timestamps: false };

// pkg/kubelet/kuberuntime/logs/logs.go: NewLogOptions, ReadLogs, logWriter.write (timeFormatOut = time.RFC3339Nano).
const reads: [string, LogOptions, string][] = [
  ['everything, stdout and stderr interleaved', plain, 'one\ntwo\nthree\n'],
  ['the last tailLines lines', { ...plain, tailLines: 2 }, 'two\nthree\n'],
  ['nothing for tailLines=0', { ...plain, tailLines: 0 }, ''],
  ['lines since sinceSeconds before now', { ...plain, sinceSeconds: 10 }, 'two\nthree\n'],
  ['lines since sinceTime, to the second', { ...plain, sinceTime: '2026-01-01T00:00:02Z' }, 'three\n'],
  ['tail first, then since', { ...plain, tailLines: 2, sinceSeconds: 5 }, 'three\n'],
  ['RFC3339Nano timestamps without trailing zeros', { timestamps: true }, '2026-01-01T00:00:00Z one\n2026-01-01T00:00:01.5Z two\n2026-01-01T00:00:10.12Z three\n'],
  ['at most limitBytes bytes, cutting a line', { ...plain, limitBytes: 6 }, 'one\ntw'],
  ['a line that ends exactly at limitBytes', { ...plain, limitBytes: 4 }, 'one\n'],
];

for (const [what, options, want] of reads) {
  test(`readLogs gives ${what}`, () => {
    assert.equal(readLogs(entries, options, T0 + 11_000), want);
  });
}

test('rfc3339Nano drops trailing zeros of the fraction, and the dot with them', () => {
  assert.equal(rfc3339Nano(T0), '2026-01-01T00:00:00Z');
  assert.equal(rfc3339Nano(T0 + 100), '2026-01-01T00:00:00.1Z');
  assert.equal(rfc3339Nano(T0 + 123), '2026-01-01T00:00:00.123Z');
});

test('a container log keeps its newest lines within its byte bound', () => {
  const log = new ContainerLog(10);
  for (const line of ['aaaa', 'bbbb', 'cccc']) log.append(T0, 'stdout', line);
  assert.deepEqual(log.lines().map((e) => e.line), ['bbbb', 'cccc']);
});

/** started creates and starts a container of image in a fresh sandbox, on a 4-CPU node. */
async function started(image: string, process = {}): Promise<{ runtime: SimulatedRuntime; log: ContainerLog; id: string; clock: ManualClock }> {
  const clock = new ManualClock();
  const runtime = new SimulatedRuntime(clock, new SeededRandom(1), () => '10.244.1.2', () => undefined, { cpus: 4, kernelVersion: '6.1.0-kubelab' });
  const sandboxP = runtime.runPodSandbox('uid');
  await clock.advance(1_000);
  const sandbox = await sandboxP;
  assert.ok(sandbox);
  const c = runtime.createContainer(sandbox, 'web', { ref: image, imageID: '', sizeBytes: 0 }, process);
  const startP = runtime.startContainer(c);
  await clock.advance(1_000);
  await startP;
  return { runtime, log: c.log, id: c.id, clock };
}

test('an nginx container prints the docker-entrypoint configuration and one worker per CPU', async () => {
  const { log } = await started('docker.io/library/nginx:1.27');
  const lines = log.lines();
  assert.deepEqual(lines.slice(0, 2).map((e) => [e.stream, e.line]), [
    ['stdout', '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration'],
    ['stdout', '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/'],
  ]);
  const text = lines.map((e) => e.line);
  assert.ok(text.includes('/docker-entrypoint.sh: Configuration complete; ready for start up'));
  assert.ok(text.includes('2026/01/01 00:00:01 [notice] 1#1: nginx/1.27.5'));
  assert.ok(text.includes('2026/01/01 00:00:01 [notice] 1#1: OS: Linux 6.1.0-kubelab'));
  assert.deepEqual(text.filter((l) => l.includes('start worker process ')).map((l) => l.slice(-2)), ['29', '30', '31', '32']);
  assert.ok(lines.filter((e) => e.line.includes('[notice]')).every((e) => e.stream === 'stderr'));
});

test('nginx run with another command prints none of the entrypoint\'s lines; unknown images print nothing', async () => {
  assert.deepEqual((await started('docker.io/library/nginx:1.27', { command: ['sleep', '3600'] })).log.lines(), []);
  assert.deepEqual((await started('docker.io/library/nginx:1.27', { args: ['sh'] })).log.lines(), []);
  assert.deepEqual((await started('docker.io/example/app:1')).log.lines(), []);
});

test('a restarted container\'s last instance keeps its log for --previous', async () => {
  const { runtime, id, clock } = await started('docker.io/library/nginx:1.27.3');
  const sandbox = runtime.sandbox('uid');
  assert.ok(sandbox);
  const next = runtime.createContainer(sandbox, 'web', { ref: 'docker.io/library/nginx:1.27.3', imageID: '', sizeBytes: 0 });
  const startP = runtime.startContainer(next);
  await clock.advance(1_000);
  await startP;
  assert.ok(runtime.containerLog(id)?.lines().some((e) => e.line.endsWith('nginx/1.27.3')));
  assert.notEqual(runtime.containerLog(next.id), runtime.containerLog(id));
  assert.equal(runtime.containerLog('unknown'), undefined);
});
