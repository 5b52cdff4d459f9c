// extractGoMeta rebuilds patchMeta.mjs and goTypes.mjs from upstream's Go sources, the only
// place the facts they hold survive: the OpenAPI models in @kubernetes/client-node drop the
// `x-kubernetes-*` extensions, fold resource.Quantity into string, and forget the named Go
// types (v1.Protocol) that decoding errors print.
//
// Run it when @kubernetes/client-node moves to a new Kubernetes minor, against work trees of
// k8s.io/api and k8s.io/apimachinery at the matching release:
//   node scripts/lib/extractGoMeta.mjs <k8s.io/api dir> <k8s.io/apimachinery dir> [<label>]
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [apiDir, machineryDir, label = 'k8s.io/api and k8s.io/apimachinery'] = process.argv.slice(2);
if (!apiDir || !machineryDir) {
  console.error('usage: node scripts/lib/extractGoMeta.mjs <k8s.io/api dir> <k8s.io/apimachinery dir> [<label>]');
  process.exit(2);
}

const genModels = join(import.meta.dirname, '..', '..', 'node_modules', '@kubernetes', 'client-node', 'dist', 'gen', 'models');
const serializer = readFileSync(join(genModels, 'ObjectSerializer.js'), 'utf8');
const modelNames = new Set([...serializer.slice(serializer.indexOf('let typeMap = {')).matchAll(/^\s+"(\w+)": \w+,?$/gm)].map((m) => m[1]));

/** Types whose JSON form is decoded by their own UnmarshalJSON, so their name never shows as a field's type. */
const SELF_DECODING = new Set(['resource.Quantity', 'intstr.IntOrString', 'v1.Time', 'v1.MicroTime', 'runtime.RawExtension', 'v1.FieldsV1', 'v1.Duration']);
const BUILTIN = new Set(['string', 'bool', 'int', 'int32', 'int64', 'uint8', 'float64', 'byte']);

/** Each Go package's declared types: struct fields with tags and markers, and named non-struct types. */
function parsePackage(dir, goPkg) {
  const structs = new Map();
  const named = new Map();
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.go') || file.endsWith('_test.go') || file.startsWith('zz_generated') || file.startsWith('generated') || file.includes('swagger_doc')) continue;
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    const imports = new Map();
    let comments = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      const imp = /^\s*(?:import\s+)?(\w+\s+)?"([\w./-]+)"$/.exec(line);
      if (imp && (line.startsWith('import') || line.startsWith('\t'))) {
        const path = imp[2];
        imports.set(imp[1]?.trim() ?? path.split('/').pop(), path.split('/').pop());
        continue;
      }
      if (line.startsWith('//')) { comments.push(line); continue; }
      const struct = /^type (\w+) struct \{$/.exec(line);
      if (struct) {
        const fields = [];
        let fieldComments = [];
        for (i++; i < lines.length && lines[i] !== '}'; i++) {
          const l = lines[i].trim();
          if (l.startsWith('//')) { fieldComments.push(l); continue; }
          if (!l) { fieldComments = []; continue; }
          const f = /^(?:(\w+)\s+)?([^\s`]+)\s*`([^`]*)`/.exec(l);
          if (f) fields.push({ goField: f[1], type: qualify(f[2], imports, goPkg), tags: f[3], markers: markers(fieldComments), embedded: !f[1] });
          fieldComments = [];
        }
        structs.set(struct[1], { fields, markers: markers(comments) });
        comments = [];
        continue;
      }
      const alias = /^type (\w+) ([^\s{]+)$/.exec(line);
      if (alias) named.set(alias[1], qualify(alias[2], imports, goPkg));
      if (line.trim() === '') continue;
      comments = [];
    }
  }
  return { structs, named, goPkg };
}

/** qualify writes a Go type expression as reflect.Type.String() prints it: package-qualified names. */
function qualify(expr, imports, goPkg) {
  return expr.replace(/(\*?)(?:(\w+)\.)?(\w+)/g, (all, star, pkg, name) => {
    if (pkg) return `${star}${imports.get(pkg) ?? pkg}.${name}`;
    if (BUILTIN.has(name) || name === 'map' || name === 'string') return `${star}${name === 'byte' ? 'uint8' : name}`;
    return `${star}${goPkg}.${name}`;
  });
}

function markers(comments) {
  const out = {};
  for (const c of comments) {
    const m = /^\/\/\s*\+(listType|listMapKey|mapType|structType|patchStrategy|patchMergeKey)=(\S+)/.exec(c.trim());
    if (!m) continue;
    if (m[1] === 'listMapKey') (out.listMapKey ??= []).push(m[2]);
    else out[m[1]] = m[2];
  }
  return out;
}

function tag(tags, key) {
  return new RegExp(`(?:^|\\s)${key}:"([^"]*)"`).exec(tags)?.[1];
}

/** Every package whose types the models describe: each group/version of k8s.io/api, and metav1. */
const packages = [];
for (const group of readdirSync(apiDir).sort()) {
  const groupDir = join(apiDir, group);
  if (!statSync(groupDir).isDirectory() || group.startsWith('.')) continue;
  for (const version of readdirSync(groupDir).sort()) {
    if (!/^v\d+((alpha|beta)\d+)?$/.test(version)) continue;
    packages.push({ prefix: group[0].toUpperCase() + group.slice(1) + version[0].toUpperCase() + version.slice(1), version, pkg: parsePackage(join(groupDir, version), version) });
  }
}
packages.push({ prefix: 'Meta', version: 'v1', pkg: parsePackage(join(machineryDir, 'pkg', 'apis', 'meta', 'v1'), 'v1') });

const patchMeta = {};
const structAtomic = [];
const goTypes = {};
const quantityFields = {};

for (const { prefix, version, pkg } of packages) {
  const plain = version[0].toUpperCase() + version.slice(1);
  for (const [typeName, struct] of pkg.structs) {
    const model = [`${prefix}${typeName}`, `${plain}${typeName}`].find((m) => modelNames.has(m));
    if (!model) continue;
    const attrs = modelAttributes(model);
    const fields = flatten(pkg, struct);
    // A Go type that covers few of a model's properties is another group's type of the same
    // name (core/v1 Preconditions is not metav1's); a few missing ones are version skew.
    const missing = [...attrs].filter((a) => !fields.some((f) => f.json === a));
    if (missing.length * 2 > attrs.size) continue;
    if (missing.length) console.warn(`${model}: Go type ${pkg.goPkg}.${typeName} lacks ${missing.join(', ')}`);
    if (struct.markers.structType === 'atomic' || struct.markers.mapType === 'atomic') structAtomic.push(model);
    for (const f of fields) {
      if (!attrs.has(f.json)) continue;
      const meta = {};
      const strategy = tag(f.tags, 'patchStrategy') ?? f.markers.patchStrategy;
      const mergeKey = tag(f.tags, 'patchMergeKey') ?? f.markers.patchMergeKey;
      if (strategy) meta.patchStrategy = strategy;
      if (mergeKey) meta.patchMergeKey = mergeKey;
      if (f.markers.listType) meta.listType = f.markers.listType;
      if (f.markers.listMapKey) meta.listMapKeys = f.markers.listMapKey;
      if (f.markers.mapType) meta.mapType = f.markers.mapType;
      if (Object.keys(meta).length) (patchMeta[model] ??= {})[f.json] = meta;
      const reflectType = f.type.replace(/^\*/, '');
      if (resolvesTo(pkg, reflectType, 'resource.Quantity')) (quantityFields[model] ??= []).push(f.json);
      if (namesAType(reflectType)) (goTypes[model] ??= {})[f.json] = reflectType;
    }
  }
}

/** flatten lists a struct's JSON fields, with embedded structs' fields inlined as Go's encoder does. */
function flatten(pkg, struct) {
  const out = [];
  for (const f of struct.fields) {
    const name = tag(f.tags, 'json')?.split(',')[0];
    if (name === '-') continue;
    if (f.embedded && !name) {
      const [p, t] = f.type.replace(/^\*/, '').split('.');
      const meta = packages.find((x) => x.prefix === 'Meta').pkg;
      const source = p === pkg.goPkg && pkg.structs.has(t) ? pkg : meta;
      const inner = source.structs.get(t);
      if (inner) out.push(...flatten(source, inner));
      continue;
    }
    out.push({ ...f, json: name ?? f.goField });
  }
  return out;
}

/** resolvesTo tells whether a type's leaf (through slices, maps and local named types) is target. */
function resolvesTo(pkg, type, target) {
  const leaf = type.replace(/^(\[\]|map\[[^\]]+\]|\*)+/, '');
  if (leaf === target) return true;
  const [p, name] = leaf.split('.');
  const under = p === pkg.goPkg ? pkg.named.get(name) : undefined;
  return under ? resolvesTo(pkg, under, target) : false;
}

/** namesAType tells whether a decoding error could print a named non-struct type here (v1.Protocol, v1.ResourceList); struct types print as their model says. */
function namesAType(type) {
  for (const [, p, name] of type.matchAll(/(\w+)\.(\w+)/g)) {
    if (SELF_DECODING.has(`${p}.${name}`)) continue;
    if (!packages.some((x) => x.pkg.goPkg === p && x.pkg.structs.has(name))) return true;
  }
  return false;
}

function modelAttributes(model) {
  const js = readFileSync(join(genModels, `${model}.js`), 'utf8');
  const attrs = JSON.parse(/\.attributeTypeMap = (\[[\s\S]*?\n\]);/.exec(js)?.[1] ?? '[]');
  return new Set(attrs.map((a) => a.baseName));
}

/** table prints one model a line, so a regeneration's diff shows which models changed. */
const table = (o) => `{\n${Object.keys(o).sort().map((k) => `  ${JSON.stringify(k)}: ${JSON.stringify(o[k])},`).join('\n')}\n}`;
const header = `// Generated by scripts/lib/extractGoMeta.mjs from ${label}; edit by re-running it.\n`;
writeFileSync(join(import.meta.dirname, 'patchMeta.mjs'), `${header}
/** PATCH_META is each model property's x-kubernetes-patch-*, list-type, list-map-keys and map-type, from Go struct tags and +markers. */
export const PATCH_META = ${table(patchMeta)};

/** STRUCT_ATOMIC are the models of structs marked +structType=atomic (x-kubernetes-map-type: atomic). */
export const STRUCT_ATOMIC = new Set(${JSON.stringify(structAtomic.sort())});
`);
writeFileSync(join(import.meta.dirname, 'goTypes.mjs'), `${header}
/** GO_TYPES are the Go types decoding errors print where the JSON schema does not tell them (named strings, maps and slices). */
export const GO_TYPES = ${table(goTypes)};

/** QUANTITY_FIELDS are the properties whose values are resource.Quantity (a string or a number in JSON). */
export const QUANTITY_FIELDS = ${table(quantityFields)};
`);
console.log(`patch metadata for ${Object.keys(patchMeta).length} models, ${structAtomic.length} atomic structs, Go types for ${Object.keys(goTypes).length} models, quantities in ${Object.keys(quantityFields).length} models`);
