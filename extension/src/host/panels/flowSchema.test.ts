import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMON_KINDS, flowSchema } from './flowSchema';

type Json = Record<string, unknown>;

function refsOf(schema: unknown, into: string[] = []): string[] {
  if (Array.isArray(schema)) for (const s of schema) refsOf(s, into);
  else if (schema && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      if (k === '$ref' && typeof v === 'string') into.push(v);
      else refsOf(v, into);
    }
  }
  return into;
}

/** follow walks a property path from a definition, through $refs and allOf wrappers and array items, as a validator would. */
function follow(schema: Json, defs: Json, path: string[]): Json {
  let at = schema;
  const deref = (s: Json): Json => {
    if (typeof s.$ref === 'string') return deref(defs[s.$ref.slice('#/definitions/'.length)] as Json);
    if (Array.isArray(s.allOf) && s.allOf.length === 1) return deref(s.allOf[0] as Json);
    return s;
  };
  for (const p of path) {
    at = deref(at);
    at = p === '[]' ? (at.items as Json) : ((at.properties as Json)[p] as Json);
    assert.ok(at, `no ${p} in ${path.join('.')}`);
  }
  return deref(at);
}

test('the editor\'s schema picks each common kind\'s definition by apiVersion and kind, and every $ref resolves', () => {
  const schema = flowSchema();
  const defs = schema.definitions as Json;
  const branches = schema.allOf as { if: { properties: { apiVersion: { const: string }; kind: { const: string } } }; then: { $ref: string } }[];
  assert.equal(branches.length, COMMON_KINDS.length);
  const deployment = branches.find((b) => b.if.properties.kind.const === 'Deployment');
  assert.equal(deployment?.if.properties.apiVersion.const, 'apps/v1');
  assert.equal(deployment?.then.$ref, '#/definitions/io.k8s.api.apps.v1.Deployment');
  for (const ref of refsOf(schema)) assert.ok(defs[ref.slice('#/definitions/'.length)], `${ref} does not resolve`);
  assert.ok(!JSON.stringify(schema).includes('"x-kubernetes-'), 'OpenAPI extensions are left out');

  const root = defs['io.k8s.api.apps.v1.Deployment'] as Json;
  const container = follow(root, defs, ['spec', 'template', 'spec', 'containers', '[]']);
  assert.equal((container.properties as Json).image && ((container.properties as Json).image as Json).type, 'string');
  assert.deepEqual(container.required, ['name']);
  // A misspelt field is refused, as strict field validation refuses it; a map (labels) stays open.
  assert.equal(follow(root, defs, ['spec']).additionalProperties, false);
  assert.deepEqual(follow(root, defs, ['metadata', 'labels']).additionalProperties, { type: 'string', default: '' });
  assert.deepEqual((schema.properties as { kind: { enum: string[] } }).kind.enum.slice(0, 3), ['Pod', 'Service', 'ConfigMap']);
});
