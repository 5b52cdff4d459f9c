import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type WireField, readFields } from '../http/protobuf/wire';
import { encodeOpenApiV2 } from './protobufV2';

/** at reads the path of length-delimited fields (field numbers) down a message, the first of each. */
function at(buf: Uint8Array, ...path: number[]): Uint8Array {
  let cur = buf;
  for (const n of path) {
    const f = readFields(cur).find((x) => x.number === n) as Extract<WireField, { wireType: 2 }> | undefined;
    assert.ok(f, `no field ${n} on the path ${path.join('.')}`);
    cur = f.bytes;
  }
  return cur;
}

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

const DOC = {
  swagger: '2.0',
  info: { title: 'Kubernetes', version: '1.32' },
  paths: {
    '/api/v1/namespaces/{namespace}/pods': {
      get: {
        operationId: 'listCoreV1NamespacedPod', responses: { 200: { description: 'OK', schema: { $ref: '#/definitions/io.k8s.api.core.v1.PodList' } } },
        'x-kubernetes-group-version-kind': { group: '', kind: 'Pod', version: 'v1' },
      },
      parameters: [{ description: 'object name', in: 'path', name: 'namespace', required: true, type: 'string', uniqueItems: true }],
    },
  },
  definitions: {
    'io.k8s.api.core.v1.Pod': { type: 'object', properties: { spec: { $ref: '#/definitions/io.k8s.api.core.v1.PodSpec', description: 'd' } }, 'x-kubernetes-group-version-kind': [{ group: '', kind: 'Pod', version: 'v1' }] },
  },
  securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
  security: [{ BearerToken: [] }],
};

test('a document encodes as gnostic\'s openapi_v2.Document', () => {
  const pb = encodeOpenApiV2(DOC);
  assert.equal(text(at(pb, 1)), '2.0');
  assert.equal(text(at(pb, 2, 1)), 'Kubernetes');
  // paths.path[0] is a NamedPathItem: its name, then the PathItem's get operation's id.
  assert.equal(text(at(pb, 8, 2, 1)), '/api/v1/namespaces/{namespace}/pods');
  assert.equal(text(at(pb, 8, 2, 2, 2, 5)), 'listCoreV1NamespacedPod');
  // The path's parameter: ParametersItem.parameter.non_body_parameter.path_parameter_sub_schema.name.
  assert.equal(text(at(pb, 8, 2, 2, 9, 1, 2, 4, 4)), 'namespace');
  // The operation's response 200: NamedResponseValue.value.response.schema.schema._ref.
  assert.equal(text(at(pb, 8, 2, 2, 2, 9, 1, 2, 1, 2, 1, 1)), '#/definitions/io.k8s.api.core.v1.PodList');
  // A vendor extension is a NamedAny whose Any holds YAML.
  assert.equal(text(at(pb, 8, 2, 2, 2, 13, 1)), 'x-kubernetes-group-version-kind');
  assert.equal(text(at(pb, 8, 2, 2, 2, 13, 2, 2)), 'group: ""\nkind: Pod\nversion: v1\n');
  // definitions.additional_properties[0]: the schema's type and a property's $ref.
  assert.equal(text(at(pb, 9, 1, 1)), 'io.k8s.api.core.v1.Pod');
  assert.equal(text(at(pb, 9, 1, 2, 22, 1)), 'object');
  assert.equal(text(at(pb, 9, 1, 2, 25, 1, 2, 1)), '#/definitions/io.k8s.api.core.v1.PodSpec');
  assert.equal(text(at(pb, 13, 1, 2, 2, 2)), 'authorization');
  assert.equal(text(at(pb, 12, 1, 1)), 'BearerToken');
});
