import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeImage } from '../kubelet/images';
import { CPU_USAGE_ANNOTATION, MEMORY_USAGE_ANNOTATION, type ProcessArgs, type UsageProfile, annotatedProfile, usageProfile } from './usageProfile';

const KiB = 1024;
const MiB = 1024 * KiB;

type Case = [what: string, image: string, process: ProcessArgs, want: Pick<UsageProfile, 'cpuMilli' | 'memoryBytes'>, resources?: { requests?: Record<string, string> }];

const cases: Case[] = [
  ['pause sleeps: no CPU, a few hundred KiB', 'registry.k8s.io/pause:3.10', {}, { cpuMilli: 0, memoryBytes: 300 * KiB }],
  ['an idle nginx: a fraction of a millicore, a master and one worker per CPU', 'nginx:1.27', {}, { cpuMilli: 0.3, memoryBytes: 2.2 * MiB + 4 * 0.95 * MiB }],
  ['busybox with no command runs sh, which waits', 'busybox', {}, { cpuMilli: 0, memoryBytes: 380 * KiB }],
  ['busybox sleep', 'busybox', { args: ['sleep', '3600'] }, { cpuMilli: 0, memoryBytes: 380 * KiB }],
  ['a shell loop without a sleep spins a core', 'busybox', { command: ['sh', '-c', 'while true; do :; done'] }, { cpuMilli: 1000, memoryBytes: 420 * KiB }],
  ['a shell loop that sleeps a second wakes briefly each time', 'busybox:1.36', { command: ['/bin/sh', '-c', 'while true; do echo hello; sleep 1; done'] }, { cpuMilli: 0.7, memoryBytes: 420 * KiB }],
  ['yes spins a core', 'alpine', { command: ['yes'] }, { cpuMilli: 1000, memoryBytes: 420 * KiB }],
  ['dd from /dev/zero spins a core', 'alpine', { args: ['dd', 'if=/dev/zero', 'of=/dev/null'] }, { cpuMilli: 1000, memoryBytes: 420 * KiB }],
  ['stress --cpu 2 spins two cores', 'polinux/stress', { command: ['stress'], args: ['--cpu', '2'] }, { cpuMilli: 2000, memoryBytes: 800 * KiB }],
  ['stress --vm with --vm-hang holds its memory and sleeps', 'polinux/stress', { command: ['stress'], args: ['--vm', '1', '--vm-bytes', '150M', '--vm-hang', '1'] }, { cpuMilli: 0, memoryBytes: 800 * KiB + 150 * MiB }],
  ['vish/stress -cpus', 'vish/stress', { args: ['-cpus', '2'] }, { cpuMilli: 2000, memoryBytes: 800 * KiB }],
  ['nginx made to sleep is a sleeping process', 'nginx', { command: ['sleep', 'infinity'] }, { cpuMilli: 0, memoryBytes: 380 * KiB }],
  ['agnhost netexec serves', 'registry.k8s.io/e2e-test-images/agnhost:2.53', { args: ['netexec', '--http-port=8080'] }, { cpuMilli: 0.8, memoryBytes: 9.5 * MiB }],
  ['agnhost pause', 'registry.k8s.io/e2e-test-images/agnhost:2.53', { args: ['pause'] }, { cpuMilli: 0, memoryBytes: 300 * KiB }],
  ['redis idles with its timers', 'redis:7', {}, { cpuMilli: 1.8, memoryBytes: 3.6 * MiB }],
  ['an unknown image uses a small share of what it requests', 'example.com/app:1', {}, { cpuMilli: 20, memoryBytes: 0.45 * 256 * MiB }, { requests: { cpu: '500m', memory: '256Mi' } }],
  ['an unknown image asking for nothing', 'example.com/app:1', {}, { cpuMilli: 2, memoryBytes: 24 * MiB }],
  ['an unknown command in a known image is the image\'s business', 'nginx', { command: ['/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;'] }, { cpuMilli: 0.3, memoryBytes: 2.2 * MiB + 4 * 0.95 * MiB }],
];

for (const [what, image, process, want, resources] of cases) {
  test(`usage profile: ${what}`, () => {
    const p = usageProfile(normalizeImage(image), process, 4, resources);
    assert.deepEqual({ cpuMilli: Math.round(p.cpuMilli * 1000) / 1000, memoryBytes: p.memoryBytes }, want);
  });
}

test('the usage annotations set a container\'s CPU and memory, for every container or by name', () => {
  const idle = { cpuMilli: 0.3, cpuJitter: 0.9, memoryBytes: 3_000_000 };
  assert.deepEqual(annotatedProfile(idle, { [CPU_USAGE_ANNOTATION]: '250m' }, 'web'), { cpuMilli: 250, cpuJitter: 0.05, memoryBytes: 3_000_000 });
  assert.deepEqual(annotatedProfile(idle, { [CPU_USAGE_ANNOTATION]: 'web=1500m, sidecar=10m', [MEMORY_USAGE_ANNOTATION]: '128Mi' }, 'sidecar'), { cpuMilli: 10, cpuJitter: 0.05, memoryBytes: 128 * 1024 * 1024 });
  assert.deepEqual(annotatedProfile(idle, { [CPU_USAGE_ANNOTATION]: 'web=1500m' }, 'sidecar'), idle);
  assert.deepEqual(annotatedProfile(idle, { [CPU_USAGE_ANNOTATION]: 'lots' }, 'web'), idle);
  assert.deepEqual(annotatedProfile(idle, undefined, 'web'), idle);
});
