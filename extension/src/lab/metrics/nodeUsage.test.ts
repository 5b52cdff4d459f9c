import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ContainerUsageInput, HOUSEKEEPING_MS, type NodeUsageInput, nodeUsage, shareCpu } from './nodeUsage';
import type { UsageProfile } from './usageProfile';

const MiB = 1024 * 1024;
const T0 = Date.UTC(2026, 0, 1);
const BUSY: UsageProfile = { cpuMilli: 1000, cpuJitter: 0.01, memoryBytes: 420 * 1024 };
const IDLE: UsageProfile = { cpuMilli: 0, cpuJitter: 0, memoryBytes: 380 * 1024 };
const NGINX: UsageProfile = { cpuMilli: 0.3, cpuJitter: 0.9, memoryBytes: 6 * MiB };

let ids = 0;
const container = (profile: UsageProfile, extra: Partial<ContainerUsageInput> = {}): ContainerUsageInput => ({
  name: `c${++ids}`, id: (0x1000000 * ids).toString(16).padStart(8, '0') + 'ab'.repeat(28), startedAt: T0, profile, ...extra,
});
const node = (containers: ContainerUsageInput[][], cpuMilli = 4000): NodeUsageInput => ({
  name: 'node-1', startedAt: T0, cpuMilli, pods: containers.map((cs, i) => ({ namespace: 'default', name: `p${i}`, containers: cs })),
});
const window = (from: number, seconds: number) => [T0 + from * 1000, T0 + (from + seconds) * 1000] as const;

test('a container that has not started has no usage, and its pod is not listed', () => {
  const usage = nodeUsage(node([[container(BUSY, { startedAt: undefined })]]), ...window(60, 20));
  assert.deepEqual(usage.pods, []);
});

test('a busy loop under a CPU limit uses exactly its limit, as CFS quota throttles it', () => {
  const usage = nodeUsage(node([[container(BUSY, { cpuLimitMilli: 250 })]]), ...window(60, 20));
  assert.equal(usage.pods[0].containers[0].cpuCoreSeconds, 0.25 * 20);
});

test('a busy loop without a limit wants about a core, varying a little per housekeeping interval', () => {
  const usage = nodeUsage(node([[container(BUSY)]]), ...window(60, 20));
  const cores = usage.pods[0].containers[0].cpuCoreSeconds / 20;
  assert.ok(cores > 0.98 && cores < 1.02, String(cores));
});

test('an idle nginx uses a fraction of a millicore, and its working set is a few MiB, page-aligned', () => {
  const usage = nodeUsage(node([[container(NGINX)]]), ...window(60, 20));
  const c = usage.pods[0].containers[0];
  assert.ok(c.cpuCoreSeconds / 20 < 0.001 && c.cpuCoreSeconds > 0, String(c.cpuCoreSeconds));
  assert.ok(c.memoryWorkingSetBytes > 5.5 * MiB && c.memoryWorkingSetBytes < 6.5 * MiB);
  assert.equal(c.memoryWorkingSetBytes % 4096, 0);
});

test('CPU is counted only while the container ran: one that started halfway through the window used half', () => {
  const usage = nodeUsage(node([[container(BUSY, { cpuLimitMilli: 500, startedAt: T0 + 70_000 })]]), ...window(60, 20));
  assert.equal(usage.pods[0].containers[0].cpuCoreSeconds, 0.5 * 10);
});

test('a working set stays under the memory limit', () => {
  const usage = nodeUsage(node([[container({ cpuMilli: 0, cpuJitter: 0, memoryBytes: 300 * MiB }, { memoryLimitBytes: 128 * MiB })]]), ...window(60, 20));
  assert.equal(usage.pods[0].containers[0].memoryWorkingSetBytes, 128 * MiB - 4096);
});

test('the same lab at the same time reports the same figures; a later interval varies them', () => {
  const n = node([[container(NGINX)]]);
  assert.deepEqual(nodeUsage(n, ...window(60, 20)), nodeUsage(n, ...window(60, 20)));
  assert.notEqual(nodeUsage(n, ...window(60, 10)).pods[0].containers[0].cpuCoreSeconds * 2, nodeUsage(n, ...window(70, 10)).pods[0].containers[0].cpuCoreSeconds * 2);
});

test('an empty node uses its system overhead: tens of millicores and about 390 MiB', () => {
  const usage = nodeUsage(node([]), ...window(60, 20));
  const milli = (usage.node.cpuCoreSeconds / 20) * 1000;
  assert.ok(milli > 25 && milli < 50, String(milli));
  assert.ok(usage.node.memoryWorkingSetBytes > 380 * MiB && usage.node.memoryWorkingSetBytes < 400 * MiB);
});

test('a node\'s usage is its overhead plus its containers\'', () => {
  const empty = nodeUsage(node([]), ...window(60, 20)).node;
  const busy = nodeUsage(node([[container(BUSY, { cpuLimitMilli: 500 })], [container(IDLE)]]), ...window(60, 20));
  // Each running pod adds its sandbox's share of the overhead.
  assert.ok(Math.abs(busy.node.cpuCoreSeconds - empty.cpuCoreSeconds - 0.5 * 20 - 2 * 0.0005 * 20) < 1e-9);
  const containers = busy.pods.flatMap((p) => p.containers).reduce((s, c) => s + c.memoryWorkingSetBytes, 0);
  assert.equal(busy.node.memoryWorkingSetBytes, Math.floor((empty.memoryWorkingSetBytes + containers + 2 * 3 * MiB) / 4096) * 4096);
});

test('on an oversubscribed node busy containers share the CPUs by their requests', () => {
  const twoThreads: UsageProfile = { ...BUSY, cpuMilli: 2000 };
  const big = container(twoThreads, { cpuRequestMilli: 1500 });
  const small = container(twoThreads, { cpuRequestMilli: 500 });
  const usage = nodeUsage(node([[big], [small]], 2000), ...window(60, HOUSEKEEPING_MS / 1000));
  const [b, s] = usage.pods.map((p) => p.containers[0].cpuCoreSeconds);
  assert.ok(Math.abs(b / s - 1500 / 500) < 0.01, `${b} / ${s}`);
  assert.ok(b + s < 2 * (HOUSEKEEPING_MS / 1000) && b + s > 1.9 * (HOUSEKEEPING_MS / 1000));
});

const shares: [string, number[], number[], number, number[]][] = [
  ['enough for all: each gets its demand', [100, 200], [2, 2], 1000, [100, 200]],
  ['short: split by weight', [1000, 1000], [3, 1], 1000, [750, 250]],
  ['one wants less than its share: the rest goes to the other', [100, 5000, 5000], [1024, 1024, 1024], 3100, [100, 1500, 1500]],
  ['a container without a request gets little next to one with', [1000, 1000], [2, 1024], 1000, [2000 / 1026, 1024000 / 1026]],
  ['nothing left', [100], [2], -5, [0]],
];
for (const [what, demands, weights, capacity, want] of shares) {
  test(`shareCpu: ${what}`, () => assert.deepEqual(shareCpu(demands, weights, capacity), want));
}
