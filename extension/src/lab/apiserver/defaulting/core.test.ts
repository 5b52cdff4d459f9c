/**
 * core/v1 defaulting as pkg/apis/core/v1/defaults.go and the generated
 * zz_generated.defaults.go apply it: pods get what kubectl shows back after a
 * create; pod templates get the spec defaults but not the pod-only ones.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Namespace, Pod, PodSpec } from '../../api/types';
import { defaultNamespace, defaultPod, defaultPodSpec, pullPolicyFor } from './core';

const pullPolicies: [string, string][] = [
  ['nginx', 'Always'],
  ['nginx:latest', 'Always'],
  ['nginx:1.27', 'IfNotPresent'],
  ['registry.k8s.io/pause:3.10', 'IfNotPresent'],
  ['localhost:5000/app', 'Always'],
  ['localhost:5000/app:v1', 'IfNotPresent'],
  ['nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'IfNotPresent'],
  ['nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'Always'],
  ['NGINX', 'IfNotPresent'],
  ['', 'IfNotPresent'],
];

for (const [image, policy] of pullPolicies) {
  test(`image ${JSON.stringify(image)} defaults to pull policy ${policy}`, () => assert.equal(pullPolicyFor(image), policy));
}

test('a pod gets the defaults kubectl shows back after a create', () => {
  const pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' },
    spec: {
      containers: [{
        name: 'c', image: 'nginx:1.27', ports: [{ containerPort: 80 }],
        resources: { limits: { cpu: '0.5', memory: '128Mi' } },
        readinessProbe: { httpGet: { port: 80 } },
        env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
      }],
      volumes: [{ name: 'scratch' }, { name: 'conf', configMap: { name: 'conf' } }],
    },
  } as unknown as Pod;
  defaultPod(pod);
  assert.deepEqual(pod.spec, {
    containers: [{
      name: 'c', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }],
      resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '500m', memory: '128Mi' } },
      readinessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
      env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName', apiVersion: 'v1' } } }],
      imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
    }],
    volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'conf', configMap: { name: 'conf', defaultMode: 420 } }],
    enableServiceLinks: true,
    dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', securityContext: {}, terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler',
  });
});

test('a pod template gets the spec defaults but not the pod-only ones', () => {
  const spec = { containers: [{ name: 'c', image: 'nginx', resources: { limits: { cpu: '1' } } }] } as PodSpec;
  defaultPodSpec(spec);
  assert.equal(spec.enableServiceLinks, undefined);
  assert.deepEqual(spec.containers[0].resources, { limits: { cpu: '1' } });
  assert.equal(spec.containers[0].imagePullPolicy, 'Always');
});

test('host networking makes container ports host ports', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 9100 }] }] } } as Pod;
  defaultPod(pod);
  assert.equal(pod.spec.containers[0].ports?.[0].hostPort, 9100);
});

test('defaulting leaves wrongly typed fields alone for validation to report', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: 'nginx', volumes: [3, null], restartPolicy: 7 } } as unknown as Pod;
  assert.doesNotThrow(() => defaultPod(pod));
  assert.equal(pod.spec.restartPolicy, 7);
});

test('a namespace is labelled with its own name', () => {
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', labels: { a: 'b' } } } as Namespace;
  defaultNamespace(ns);
  assert.deepEqual(ns.metadata.labels, { a: 'b', 'kubernetes.io/metadata.name': 'team' });
});
