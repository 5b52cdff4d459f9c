import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkName, decodeApplyConfiguration, patchTypeOf, unsupportedPatchMediaType, validatePatchOptions } from './index';
import { goJsonSyntaxError } from './goJson';

test('patchTypeOf maps the four patch media types and drops parameters', () => {
  assert.equal(patchTypeOf('application/json-patch+json'), 'json');
  assert.equal(patchTypeOf('application/merge-patch+json; charset=utf-8'), 'merge');
  assert.equal(patchTypeOf('application/strategic-merge-patch+json'), 'strategic');
  assert.equal(patchTypeOf('application/apply-patch+yaml'), 'apply');
  assert.equal(patchTypeOf('application/json'), undefined);
  assert.equal(patchTypeOf('Application/Merge-Patch+json'), undefined);
});

test('an unsupported patch type is a 415 listing what built-in resources accept', () => {
  // staging/src/k8s.io/apiserver/pkg/endpoints/handlers/negotiation/errors.go; installer.go lists the patch types.
  assert.deepEqual(unsupportedPatchMediaType(true), {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 415, reason: 'UnsupportedMediaType',
    message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
  });
});

/** staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go ValidatePatchOptions. */
const options: { name: string; type: 'json' | 'apply'; opts: { fieldManager?: string; force?: boolean }; message?: string | RegExp }[] = [
  { name: 'apply without a field manager', type: 'apply', opts: {}, message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch' },
  { name: 'force on a non-apply patch', type: 'json', opts: { force: true }, message: 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch' },
  { name: 'a field manager over 128 bytes', type: 'apply', opts: { fieldManager: 'm'.repeat(129) }, message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes' },
  { name: 'a field manager with a control character', type: 'json', opts: { fieldManager: 'a\u0007b' }, message: /^PatchOptions\.meta\.k8s\.io "" is invalid: fieldManager: Invalid value: ".*": invalid character U\+0007 \(at position 1\)$/ },
  { name: 'apply with a field manager and force', type: 'apply', opts: { fieldManager: 'kubectl', force: true } },
];

for (const o of options) {
  test(`patch options: ${o.name}`, () => {
    const status = validatePatchOptions(o.type, o.opts);
    if (o.message instanceof RegExp) assert.match(status?.message ?? '', o.message);
    else assert.equal(status?.message, o.message);
    if (o.message) assert.deepEqual([status?.code, status?.reason], [422, 'Invalid']);
  });
}

/** Apply bodies: sigs.k8s.io/yaml's Unmarshal wrapped by applyPatcher ("error decoding YAML: …"). */
test('an apply body decodes from YAML with YAML 1.1 scalars, as go-yaml v2 reads them', () => {
  // go-yaml v2 reads an unquoted `on` key as the boolean true, which sigs.k8s.io/yaml writes as the key "true".
  const res = decodeApplyConfiguration('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  on: yes\n  when: 2024-01-01\n');
  assert.ok('config' in res);
  assert.deepEqual(res.config.data, { true: true, when: '2024-01-01' });
});

test('an apply body that is a YAML list is a 400', () => {
  const res = decodeApplyConfiguration('- a\n- b\n');
  assert.ok('status' in res);
  assert.equal(res.status.message, 'error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}');
});

test('an apply body that is not YAML is a 400 naming the line', () => {
  const res = decodeApplyConfiguration('a:\n  b: c\n d: e\n  - f');
  assert.ok('status' in res);
  assert.equal(res.status.code, 400);
  assert.match(res.status.message ?? '', /^error decoding YAML: error converting YAML to JSON: yaml: line \d+: /);
});

test('an empty apply body configures nothing', () => {
  assert.deepEqual(decodeApplyConfiguration(''), { config: {} });
});

test('checkName holds a patched object to the URL\'s name and namespace', () => {
  // staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go checkName
  const obj = (name?: string, namespace?: string) => ({ metadata: { ...(name ? { name } : {}), ...(namespace ? { namespace } : {}) } });
  assert.equal(checkName(obj('web', 'default'), 'web', 'default'), undefined);
  assert.equal(checkName(obj(), 'web', 'default')?.message, 'the name of the object (web based on URL) was undeterminable: name must be provided');
  assert.equal(checkName(obj('api'), 'web', 'default')?.message, 'the name of the object (api) does not match the name on the URL (web)');
  assert.equal(checkName(obj('web', 'kube-system'), 'web', 'default')?.message, 'the namespace of the object (kube-system) does not match the namespace on the request (default)');
});

/** encoding/json's scanner messages (src/encoding/json/scanner.go). */
const syntax: [string, string | undefined][] = [
  ['{"a":1}', undefined],
  ['', 'unexpected end of JSON input'],
  ['{"a":', 'unexpected end of JSON input'],
  ['x', "invalid character 'x' looking for beginning of value"],
  ['{a:1}', "invalid character 'a' looking for beginning of object key string"],
  ['{"a" 1}', "invalid character '1' after object key"],
  ['{"a":1 "b":2}', "invalid character '\"' after object key:value pair"],
  ['[1 2]', "invalid character '2' after array element"],
  ['{} {}', "invalid character '{' after top-level value"],
  ['tru', 'unexpected end of JSON input'],
  ['trux', "invalid character 'x' in literal true (expecting 'e')"],
  ['-a', "invalid character 'a' in numeric literal"],
  ['1.x', "invalid character 'x' after decimal point in numeric literal"],
  ['1ex', "invalid character 'x' in exponent of numeric literal"],
  ['"\\q"', "invalid character 'q' in string escape code"],
  ['"\\u12x4"', "invalid character 'x' in \\u hexadecimal character escape"],
  ['"a\nb"', "invalid character '\\n' in string literal"],
  ['01', "invalid character '1' after top-level value"],
];

for (const [text, message] of syntax) {
  test(`encoding/json's words for ${JSON.stringify(text)}`, () => {
    assert.equal(goJsonSyntaxError(text), message);
  });
}
