import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodeStatusImages } from './nodeStatusImages';

const image = (ref: string, sizeBytes: number): { ref: string; imageID: string; sizeBytes: number } => ({ ref, imageID: `${ref.split(':')[0]}@sha256:${sizeBytes}`, sizeBytes });

test('node.status.images lists the largest images first, digest then tag', () => {
  const images = [image('docker.io/library/busybox:1.36', 2), image('docker.io/library/postgres:16', 158), image('docker.io/library/nginx:1.27', 72)];
  assert.deepEqual(nodeStatusImages(images), [
    { names: ['docker.io/library/postgres@sha256:158', 'docker.io/library/postgres:16'], sizeBytes: 158 },
    { names: ['docker.io/library/nginx@sha256:72', 'docker.io/library/nginx:1.27'], sizeBytes: 72 },
    { names: ['docker.io/library/busybox@sha256:2', 'docker.io/library/busybox:1.36'], sizeBytes: 2 },
  ]);
});

test('node.status.images keeps at most 50 images, the largest, unless the limit is negative', () => {
  const many = Array.from({ length: 60 }, (_, i) => image(`registry.example/app${i}:v1`, i));
  const listed = nodeStatusImages(many);
  assert.equal(listed.length, 50);
  assert.equal(listed[0].sizeBytes, 59);
  assert.equal(listed[49].sizeBytes, 10);
  assert.equal(nodeStatusImages(many, -1).length, 60);
});
