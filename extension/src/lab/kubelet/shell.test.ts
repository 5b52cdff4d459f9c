import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../clock';
import { SeededRandom } from '../random';
import { Collector, Pipe, closedPipe } from './pipe';
import { Interrupt } from './process';
import { type ContainerProcess, type ContainerRecord, type ExecResult, SimulatedRuntime } from './runtime';
import { parseScript, ShellSyntaxError } from './shellParser';
import { Tty } from './tty';

const FILES = {
  hostname: 'web',
  hosts: '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n10.244.1.2\tweb\n',
  resolvConf: 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
};

/** container starts a container of image on a fresh runtime, with the kubelet's env. */
async function container(image: string, process: ContainerProcess = {}): Promise<{ runtime: SimulatedRuntime; c: ContainerRecord; clock: ManualClock }> {
  const clock = new ManualClock();
  const runtime = new SimulatedRuntime(clock, new SeededRandom(1), () => '10.244.1.2', () => undefined, { cpus: 2, kernelVersion: '6.1.0-kubelab' });
  const sandboxP = runtime.runPodSandbox('uid');
  await clock.advance(1_000);
  const sandbox = await sandboxP;
  assert.ok(sandbox);
  // busybox's and alpine's sh, their default, ends at once without stdin: keep the container up as a pod would.
  const idle = /busybox|alpine/.test(image) && !process.command && !process.args ? { command: ['sleep', '3600'] } : {};
  const c = runtime.createContainer(sandbox, 'web', { ref: image, imageID: '', sizeBytes: 0 }, { files: FILES, env: [['GREETING', 'hello world']], ...idle, ...process });
  const startP = runtime.startContainer(c);
  await clock.advance(1_000);
  await startP;
  return { runtime, c, clock };
}

/** exec runs argv in a fresh container of image and collects its output. */
async function exec(image: string, argv: string[], stdin?: string): Promise<{ out: string; err: string; result: ExecResult }> {
  const { runtime, c } = await container(image);
  const out = new Collector();
  const err = new Collector();
  const input = stdin === undefined ? closedPipe() : new Pipe();
  if (input instanceof Pipe && stdin !== undefined) {
    input.write(stdin);
    input.end();
  }
  const result = await runtime.exec(c, argv, { stdin: input, stdout: out, stderr: err }, new Interrupt());
  return { out: out.text, err: err.text, result };
}

const BUSYBOX = 'docker.io/library/busybox:1.37';
const NGINX = 'docker.io/library/nginx:1.27';
const ALPINE = 'docker.io/library/alpine:3.21';

// What busybox ash, Debian's dash and bash print, as a person would see it in the real images.
const cases: [string, string, string[], string, string, number, string?][] = [
  ['echo and exit status', BUSYBOX, ['sh', '-c', 'echo hi; exit 3'], 'hi\n', '', 3],
  ['&& and || short-circuit', BUSYBOX, ['sh', '-c', 'false && echo no || echo yes; true && echo both'], 'yes\nboth\n', '', 0],
  ['a pipeline', BUSYBOX, ['sh', '-c', 'printf "a\\nb\\nc\\n" | grep -v b | wc -l'], '2\n', '', 0],
  ['variables, quoting and arithmetic', BUSYBOX, ['sh', '-c', 'x=4; y="a  b"; echo $((x * 2 + 1)) "$y" $y \'$x\''], '9 a  b a b $x\n', '', 0],
  ['a while loop with a counter', BUSYBOX, ['sh', '-c', 'i=0; while [ $i -lt 3 ]; do echo "n=$i"; i=$((i+1)); done'], 'n=0\nn=1\nn=2\n', '', 0],
  ['for, case and command substitution', BUSYBOX, ['sh', '-c', 'for f in $(echo a b); do case $f in a) echo A;; *) echo other;; esac; done'], 'A\nother\n', '', 0],
  ['if/elif/else with test', BUSYBOX, ['sh', '-c', 'if [ -f /etc/nope ]; then echo f; elif [ -d /etc ]; then echo d; else echo none; fi'], 'd\n', '', 0],
  ['redirections into the container\'s files', BUSYBOX, ['sh', '-c', 'echo one > /tmp/x; echo two >> /tmp/x; cat /tmp/x; ls /tmp'], 'one\ntwo\nx\n', '', 0],
  ['2>&1 and /dev/null', BUSYBOX, ['sh', '-c', 'cat /nope 2>&1; cat /nope 2>/dev/null; echo $?'], "cat: can't open '/nope': No such file or directory\n1\n", '', 0],
  ['busybox\'s not found', BUSYBOX, ['sh', '-c', 'foo'], '', 'sh: foo: not found\n', 127],
  ['dash\'s not found, with its line number', NGINX, ['sh', '-c', 'foo'], '', 'sh: 1: foo: not found\n', 127],
  ['bash\'s not found', NGINX, ['bash', '-c', 'foo'], '', 'bash: line 1: foo: command not found\n', 127],
  ['cd and pwd', BUSYBOX, ['sh', '-c', 'cd /etc && pwd; cd /nope'], '/etc\n', "sh: cd: can't cd to /nope: No such file or directory\n", 1],
  ['hostname, whoami and id', BUSYBOX, ['sh', '-c', 'hostname; whoami; id'], 'web\nroot\nuid=0(root) gid=0(root) groups=0(root),10(wheel)\n', '', 0],
  ['the container\'s env with the kubelet\'s variables', BUSYBOX, ['printenv', 'GREETING', 'HOSTNAME', 'HOME'], 'hello world\nweb\n/root\n', '', 0],
  ['the pod\'s /etc/hosts', BUSYBOX, ['cat', '/etc/hosts'], FILES.hosts, '', 0],
  ['the image\'s /etc/os-release', ALPINE, ['sh', '-c', 'grep PRETTY /etc/os-release'], 'PRETTY_NAME="Alpine Linux v3.21"\n', '', 0],
  ['busybox has no os-release', BUSYBOX, ['cat', '/etc/os-release'], '', "cat: can't open '/etc/os-release': No such file or directory\n", 1],
  ['GNU cat\'s wording', NGINX, ['cat', '/nope'], '', 'cat: /nope: No such file or directory\n', 1],
  ['nginx\'s page in the nginx image', NGINX, ['sh', '-c', 'head -4 /usr/share/nginx/html/index.html'], '<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n', '', 0],
  ['PID 1\'s command line', NGINX, ['cat', '/proc/1/cmdline'], '/docker-entrypoint.sh\0nginx\0-g\0daemon off;\0', '', 0],
  ['sh -c with $0 and arguments', BUSYBOX, ['sh', '-c', 'echo $0 $1 $#', 'me', 'one'], 'me one 1\n', '', 0],
  ['set -e stops at the first failure', BUSYBOX, ['sh', '-ec', 'echo a; false; echo b'], 'a\n', '', 1],
  ['${var:-default} and ${#var}', BUSYBOX, ['sh', '-c', 'echo ${NOPE:-dflt} ${#GREETING} ${GREETING%% *}'], 'dflt 11 hello\n', '', 0],
];

for (const [what, image, argv, out, err, code] of cases) {
  test(`shell: ${what}`, async () => {
    const got = await exec(image, argv);
    assert.deepEqual(got, { out, err, result: { exitCode: code } });
  });
}

test('a non-interactive sh runs the script it reads from stdin', async () => {
  const got = await exec(BUSYBOX, ['sh'], 'echo one\nfor i in 1 2; do\n  echo $i\ndone\nexit 4\necho never\n');
  assert.deepEqual(got, { out: 'one\n1\n2\n', err: '', result: { exitCode: 4 } });
});

test('cat copies its stdin', async () => {
  assert.deepEqual(await exec(BUSYBOX, ['cat'], 'piped\ntext'), { out: 'piped\ntext', err: '', result: { exitCode: 0 } });
});

test('sleep waits on the lab clock', async () => {
  const { runtime, c, clock } = await container(BUSYBOX);
  const out = new Collector();
  let done: ExecResult | undefined;
  void runtime.exec(c, ['sh', '-c', 'sleep 5; echo woke'], { stdin: closedPipe(), stdout: out, stderr: out }, new Interrupt()).then((r) => (done = r));
  await clock.advance(4_000);
  assert.equal(done, undefined);
  await clock.advance(1_000);
  assert.deepEqual([done, out.text], [{ exitCode: 0 }, 'woke\n']);
});

// runc's refusal as containerd wraps it (OCI runtime exec failed), for a program the image does not have.
test('a program the image lacks is runc\'s exec failure, not a shell\'s', async () => {
  const distroless = await exec('docker.io/hashicorp/http-echo:1.0', ['sh']);
  assert.ok('error' in distroless.result);
  assert.match(distroless.result.error, /^failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "sh": executable file not found in \$PATH: unknown$/);
  const bash = await exec(BUSYBOX, ['/bin/bash']);
  assert.ok('error' in bash.result);
  assert.match(bash.result.error, /exec: "\/bin\/bash": stat \/bin\/bash: no such file or directory: unknown$/);
});

test('an interactive sh on a TTY prompts, echoes, runs each line and ends on exit', async () => {
  const { runtime, c, clock } = await container(BUSYBOX);
  const screen = new Collector();
  const tty = new Tty(screen);
  let done: ExecResult | undefined;
  void runtime.exec(c, ['sh'], { stdin: tty, stdout: tty.output, stderr: tty.output, tty }, new Interrupt()).then((r) => (done = r));
  await clock.advance(0);
  tty.input(Buffer.from('cd /etc\r'));
  await clock.advance(0);
  tty.input(Buffer.from('echo $TERM\r'));
  await clock.advance(0);
  tty.input(Buffer.from('exit 2\r'));
  await clock.advance(0);
  assert.deepEqual(done, { exitCode: 2 });
  assert.equal(screen.text, '/ # cd /etc\r\n/etc # echo $TERM\r\nxterm\r\n/etc # exit 2\r\n');
});

test('^C interrupts the foreground command and the shell prompts again', async () => {
  const { runtime, c, clock } = await container(NGINX);
  const screen = new Collector();
  const tty = new Tty(screen);
  let done: ExecResult | undefined;
  void runtime.exec(c, ['bash'], { stdin: tty, stdout: tty.output, stderr: tty.output, tty }, new Interrupt()).then((r) => (done = r));
  await clock.advance(0);
  tty.input(Buffer.from('sleep 100\r'));
  await clock.advance(1_000);
  tty.input(Buffer.from([0x03]));
  await clock.advance(0);
  tty.input(Buffer.from('echo $?\r'));
  await clock.advance(0);
  tty.input(Buffer.from([0x04]));
  await clock.advance(0);
  assert.deepEqual(done, { exitCode: 0 });
  assert.equal(screen.text, 'root@web:/# sleep 100\r\n^C\r\nroot@web:/# echo $?\r\n130\r\nroot@web:/# exit\r\n');
});

test('the parser tells an unfinished command from a wrong one', () => {
  for (const incomplete of ['if true; then', 'echo "abc', 'while true; do echo', 'a &&']) {
    assert.throws(() => parseScript(incomplete), (e: unknown) => e instanceof ShellSyntaxError && e.incomplete, incomplete);
  }
  assert.throws(() => parseScript('fi'), (e: unknown) => e instanceof ShellSyntaxError && !e.incomplete && e.message === 'syntax error: unexpected "fi"');
});
