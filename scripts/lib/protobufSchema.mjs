// protobufSchema turns upstream's generated.proto files into the compact schema the
// lab's front door decodes protobuf request bodies with (kubectl's typed clients send
// `application/vnd.kubernetes.protobuf`). Field numbers never change once released, so a
// newer k8s.io/api than the lab's Kubernetes version only adds fields.
//
//   node scripts/lib/protobufSchema.mjs <k8s.io/api checkout> <k8s.io/apimachinery checkout>
//
// Each message becomes `[number, jsonName, type, omitZero?]`, jsonName '' for an embedded
// struct whose fields JSON inlines into the parent; a type is a scalar (`string`,
// `int32`, `int64`, `bool`, `bytes`), a message's name, `[` + type for repeated fields,
// or `{` + value type for `map<string, …>`. A message's name is `<i>.<Name>`, i its
// package's index in `packages`, which keeps the long package names out of the data.
// omitZero (1) marks a Go field that is neither a pointer nor without `omitempty`: the
// protobuf marshaller writes its zero value, which JSON would have left out, and the
// decoder drops it again (read from the packages' Go sources, whose struct tags carry
// both the JSON options and the protobuf field number).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { join } from 'node:path';

const [apiDir, machineryDir] = process.argv.slice(2);
if (!apiDir || !machineryDir) throw new Error('usage: protobufSchema.mjs <k8s.io/api dir> <k8s.io/apimachinery dir>');

/** The stable API groups the lab serves or answers (reviews, token requests, scale). */
const API_PACKAGES = [
  'core/v1', 'apps/v1', 'batch/v1', 'coordination/v1', 'discovery/v1', 'events/v1', 'rbac/v1',
  'admissionregistration/v1', 'scheduling/v1', 'storage/v1', 'policy/v1', 'networking/v1',
  'authentication/v1', 'authorization/v1', 'autoscaling/v1',
];
const MACHINERY_PACKAGES = ['pkg/apis/meta/v1', 'pkg/runtime', 'pkg/util/intstr', 'pkg/api/resource'];
const SCALARS = new Set(['string', 'int32', 'int64', 'bool', 'bytes']);

const files = [
  ...API_PACKAGES.map((p) => join(apiDir, p, 'generated.proto')),
  ...MACHINERY_PACKAGES.map((p) => join(machineryDir, p, 'generated.proto')),
];

/**
 * goFieldFacts reads a package's Go structs: for each, the protobuf field numbers whose
 * zero value JSON omits (omitZero), and those of embedded structs whose fields JSON
 * writes into the parent (`json:",inline"` or `json:""`: Volume's VolumeSource, IngressRule's
 * IngressRuleValue, a key selector's LocalObjectReference).
 */
function goFieldFacts(dir) {
  const omitZero = new Map();
  const inline = new Map();
  const note = (map, struct, number) => {
    if (!map.has(struct)) map.set(struct, new Set());
    map.get(struct).add(Number(number));
  };
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const [, struct, body] of text.matchAll(/^type\s+(\w+)\s+struct\s*\{([\s\S]*?)^\}/gm)) {
      for (const line of body.split('\n')) {
        const m = /^\s*(\w+\s+)?(\S+)\s+`json:"([^"]*)".*protobuf:"\w+,(\d+),/.exec(line);
        if (!m) continue;
        const [, fieldName, goType, json, number] = m;
        const options = json.split(',');
        // An embedded struct (a type without a field name) with no JSON name of its own: `json:",inline"` or `json:""`.
        if (!fieldName && options[0] === '') note(inline, struct, number);
        else if (!goType.startsWith('*') && options.includes('omitempty')) note(omitZero, struct, number);
      }
    }
  }
  return { omitZero, inline };
}

const packages = [];
const short = (fullName) => {
  const dot = fullName.lastIndexOf('.');
  const pkg = fullName.slice(0, dot);
  if (!packages.includes(pkg)) packages.push(pkg);
  return `${packages.indexOf(pkg)}.${fullName.slice(dot + 1)}`;
};
const messages = {};
for (const file of files) {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const pkg = /^package\s+([\w.]+);/m.exec(text)[1];
  const { omitZero, inline } = goFieldFacts(dirname(file));
  const resolve = (t) => (SCALARS.has(t) ? t : short(t.startsWith('.') ? t.slice(1) : `${pkg}.${t}`));
  for (const [, name, body] of text.matchAll(/^message\s+(\w+)\s*\{([^}]*)\}/gm)) {
    const fields = [];
    for (const line of body.split(';').map((l) => l.trim()).filter(Boolean)) {
      let m = /^(optional|repeated)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)/.exec(line);
      if (m) {
        const number = Number(m[4]);
        const jsonName = inline.get(name)?.has(number) ? '' : m[3];
        fields.push([number, jsonName, `${m[1] === 'repeated' ? '[' : ''}${resolve(m[2])}`, ...(omitZero.get(name)?.has(number) ? [1] : [])]);
        continue;
      }
      m = /^map<\s*string\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)/.exec(line);
      if (m) {
        fields.push([Number(m[3]), m[2], `{${resolve(m[1])}`]);
        continue;
      }
      throw new Error(`${file}: message ${name}: cannot read "${line}"`);
    }
    messages[short(`${pkg}.${name}`)] = fields;
  }
}

const out = join(import.meta.dirname, '..', '..', 'extension', 'src', 'lab', 'apiserver', 'http', 'protobuf', 'protoSchemaData.ts');
writeFileSync(out, [
  '// Generated by scripts/lib/protobufSchema.mjs from k8s.io/api and k8s.io/apimachinery generated.proto; do not edit.',
  '/** protoSchemaData is the JSON text of every message\'s fields (see ./decode.ts). */',
  `export const protoSchemaData = ${JSON.stringify(JSON.stringify({ packages, messages }))};`,
  '',
].join('\n'));
console.log(`${Object.keys(messages).length} messages -> ${out}`);
