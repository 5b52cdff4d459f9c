// extractOpenApiFacts rebuilds openApiFacts.json from upstream's Go sources: what
// kube-apiserver's OpenAPI documents say about each type that @kubernetes/client-node's
// models forget. openapi-gen writes a definition from Go declarations, so this reads them
// as it does (kube-openapi pkg/generators/openapi.go and enum.go, at the revision
// Kubernetes 1.32 vendors): the definition's name (the Go package path, reversed as
// kube-apiserver's DefinitionNamer writes it), descriptions from doc comments (paragraphs,
// indented lines and the "Possible enum values" an enum type adds), the `default` a
// non-pointer field must have, enum values, and which fields hold the types apimachinery
// gives a schema of their own (Time, Quantity, IntOrString, RawExtension …) that the
// models inline.
//
// Run it when @kubernetes/client-node moves to a new Kubernetes minor, against work trees at
// the matching release:
//   node scripts/lib/extractOpenApiFacts.mjs <k8s.io/api> <k8s.io/apimachinery> \
//     <k8s.io/apiextensions-apiserver> <k8s.io/kube-aggregator> [<label>]
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [apiDir, machineryDir, apiextensionsDir, aggregatorDir, label = 'k8s.io/api, apimachinery, apiextensions-apiserver and kube-aggregator'] = process.argv.slice(2);
if (!apiDir || !machineryDir || !apiextensionsDir || !aggregatorDir) {
  console.error('usage: node scripts/lib/extractOpenApiFacts.mjs <k8s.io/api> <k8s.io/apimachinery> <k8s.io/apiextensions-apiserver> <k8s.io/kube-aggregator> [<label>]');
  process.exit(2);
}

for (const dir of [apiDir, machineryDir, apiextensionsDir, aggregatorDir]) {
  if (!existsSync(dir)) throw new Error(`${dir} does not exist`);
}

const genModels = join(import.meta.dirname, '..', '..', 'node_modules', '@kubernetes', 'client-node', 'dist', 'gen', 'models');
const serializer = readFileSync(join(genModels, 'ObjectSerializer.js'), 'utf8');
const modelNames = new Set([...serializer.slice(serializer.indexOf('let typeMap = {')).matchAll(/^\s+"(\w+)": \w+,?$/gm)].map((m) => m[1]));

/** The Go builtins and their OpenAPI zero values (openapi.OpenAPIZeroValue). */
const ZERO = { string: '', bool: false, int: 0, int8: 0, int16: 0, int32: 0, int64: 0, uint: 0, uint8: 0, uint16: 0, uint32: 0, uint64: 0, float32: 0, float64: 0, byte: 0 };

/** packages maps a Go import path to its parsed declarations. */
const packages = new Map();

function addPackage(importPath, dir) {
  if (!existsSync(dir)) return;
  const pkg = { importPath, types: new Map(), consts: [], unmarshalers: new Set(), openapi: new Map(), swaggerDocs: new Map() };
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.go') || file.endsWith('_test.go') || file.startsWith('zz_generated') || file.startsWith('generated')) continue;
    parseFile(readFileSync(join(dir, file), 'utf8'), pkg);
  }
  packages.set(importPath, pkg);
}

/** commentText is go/ast CommentGroup.Text over `//` lines: markers and one space gone, directives dropped, blank runs collapsed. */
function commentText(lines) {
  const out = [];
  for (const raw of lines) {
    const body = raw.replace(/^\s*\/\//, '');
    if (/^(line |extern |export |[a-z0-9]+:[a-z0-9])/.test(body)) continue;
    out.push((body.startsWith(' ') ? body.slice(1) : body).replace(/\s+$/, ''));
  }
  while (out.length && out[0] === '') out.shift();
  while (out.length && out[out.length - 1] === '') out.pop();
  return out.filter((l, i) => !(l === '' && out[i - 1] === ''));
}

/** parseFile reads one Go file's type declarations, typed constants and JSON/OpenAPI methods. */
function parseFile(text, pkg) {
  const lines = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, '')).split('\n');
  const imports = new Map();
  let comments = [];
  let constType;
  // types_swagger_doc_generated.go: each type's SwaggerDoc() map, which query parameters' descriptions come from.
  for (const m of text.matchAll(/^var map_(\w+) = map\[string\]string\{\n([\s\S]*?)\n\}/gm)) {
    pkg.swaggerDocs.set(m[1], Object.fromEntries([...m[2].matchAll(/^\t"(\w*)":\s+("(?:[^"\\]|\\.)*"),?$/gm)].map((e) => [e[1], JSON.parse(e[2])])));
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    const imp = /^(?:import\s+)?(?:(\w+)\s+)?"([\w./-]+)"$/.exec(trimmed);
    if (imp && (line.startsWith('import') || line.startsWith('\t'))) {
      imports.set(imp[1] ?? imp[2].split('/').pop(), imp[2]);
      continue;
    }
    if (trimmed.startsWith('//')) {
      comments.push(trimmed);
      continue;
    }
    const struct = /^type (\w+) struct \{\s*$/.exec(line);
    if (struct) {
      const members = [];
      let memberComments = [];
      for (i++; i < lines.length && lines[i] !== '}'; i++) {
        const l = lines[i].trim();
        if (l.startsWith('//')) { memberComments.push(l); continue; }
        if (!l) { memberComments = []; continue; }
        const f = /^(?:(\w+)\s+)?([^\s`]+)\s*(?:`([^`]*)`)?/.exec(l);
        if (f) members.push({ name: f[1], type: resolveExpr(f[2], imports, pkg.importPath), tags: f[3] ?? '', comments: commentText(memberComments), embedded: !f[1] });
        memberComments = [];
      }
      pkg.types.set(struct[1], { kind: 'struct', members, comments: commentText(comments) });
      comments = [];
      continue;
    }
    const empty = /^type (\w+) struct\s*\{\s*\}\s*$/.exec(line);
    if (empty) {
      pkg.types.set(empty[1], { kind: 'struct', members: [], comments: commentText(comments) });
      comments = [];
      continue;
    }
    const named = /^type (\w+) (=\s*)?([^\s{]+)\s*$/.exec(line);
    if (named) {
      pkg.types.set(named[1], { kind: 'named', alias: Boolean(named[2]), underlying: resolveExpr(named[3], imports, pkg.importPath), comments: commentText(comments) });
      comments = [];
      continue;
    }
    if (/^const \($/.test(line)) { constType = 'block'; comments = []; continue; }
    if (constType === 'block' && line === ')') { constType = undefined; comments = []; continue; }
    const constant = constType === 'block' ? /^\t(\w+)\s+(\w+(?:\.\w+)?)\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(line) : /^const (\w+)\s+(\w+(?:\.\w+)?)\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(line);
    if (constant) {
      pkg.consts.push({ name: constant[1], type: resolveExpr(constant[2], imports, pkg.importPath), value: JSON.parse(`"${constant[3]}"`), comments: commentText(comments) });
      comments = [];
      continue;
    }
    const method = /^func \((?:\w+\s+)?\*?(\w+)\) (\w+)\(\) (\[\]string|string) \{(.*)$/.exec(line);
    if (method && method[2].startsWith('OpenAPI')) {
      let body = method[4];
      while (!body.includes('}') && i + 1 < lines.length) body += lines[++i];
      const values = [...body.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
      const entry = pkg.openapi.get(method[1]) ?? {};
      entry[method[2]] = method[3] === 'string' ? (values[0] ?? '') : /nil/.test(body) ? null : values;
      pkg.openapi.set(method[1], entry);
    }
    const unmarshal = /^func \((?:\w+\s+)?(\*?)(\w+)\) UnmarshalJSON\(/.exec(line);
    if (unmarshal) pkg.unmarshalers.add(unmarshal[2]);
    if (trimmed !== '') comments = [];
  }
}

/** resolveExpr qualifies a Go type expression's named types with their import paths: `*pkg/path.Name`, `[]`, `map[K]V`. */
function resolveExpr(expr, imports, self) {
  return expr.replace(/(?:(\w+)\.)?([A-Za-z_]\w*)/g, (all, qualifier, name) => {
    if (qualifier) return `${imports.get(qualifier) ?? qualifier}.${name}`;
    if (name === 'map' || name in ZERO || name === 'interface') return name;
    return `${self}.${name}`;
  });
}

/**
 * lookup finds a qualified type's declaration. Go aliases (`type X = v1.X`) are the type
 * they name; a defined type over another package's struct (`type X v1.X`) has that
 * struct's members under its own doc comment.
 */
function lookup(qualified) {
  const dot = qualified.lastIndexOf('.');
  const pkg = packages.get(qualified.slice(0, dot));
  const name = qualified.slice(dot + 1);
  const decl = pkg?.types.get(name);
  if (decl?.kind === 'named' && decl.alias && !(decl.underlying in ZERO)) return lookup(decl.underlying) ?? { pkg, name, decl };
  if (decl?.kind === 'named' && !decl.alias) {
    const under = lookup(decl.underlying);
    if (under?.decl?.kind === 'struct') return { pkg: under.pkg, name, decl: { ...under.decl, comments: decl.comments } };
  }
  return pkg ? { pkg, name, decl } : undefined;
}

/** definitionName is the DefinitionNamer's friendlyName: k8s.io/api/apps/v1.Deployment → io.k8s.api.apps.v1.Deployment. */
function definitionName(qualified) {
  const [first, ...rest] = qualified.split('/');
  return [first.split('.').reverse().join('.'), ...rest].join('.');
}

/** customUnmarshaling is implementsCustomUnmarshalling: the JSON decoder hands such a type null, so its zero value is null. */
function customUnmarshaling(qualified) {
  const found = lookup(qualified);
  return found ? found.pkg.unmarshalers.has(found.name) : false;
}

/** zeroDefault is mustEnforceDefault: the default a field of this Go type must declare, or undefined. */
function zeroDefault(expr, omitEmpty) {
  if (expr.startsWith('*') || expr.startsWith('[]') || expr.startsWith('map[') || expr.startsWith('interface')) return undefined;
  if (expr in ZERO) return omitEmpty ? undefined : ZERO[expr];
  if (customUnmarshaling(expr)) return undefined;
  const found = lookup(expr);
  if (!found?.decl) return undefined;
  if (found.decl.kind === 'named') return zeroDefault(found.decl.underlying, omitEmpty);
  const members = found.decl.members;
  if (members.length === 1 && members[0].embedded) return zeroDefault(members[0].type, omitEmpty);
  return {};
}

/** commentDefault is a `+default=` marker's value: JSON, or ref(Const) naming a constant of the field's package. */
function commentDefault(comments, pkg) {
  const marker = comments.find((c) => c.startsWith('+default='));
  if (!marker) return undefined;
  const raw = marker.slice('+default='.length);
  const ref = /^ref\((?:(\w+)\.)?(\w+)\)$/.exec(raw);
  if (ref) return pkg.consts.find((c) => c.name === ref[2])?.value;
  return JSON.parse(raw);
}

/** enumOf finds the enum type (a `+enum` named string) an expression names, with its values. */
function enumOf(expr) {
  const found = lookup(expr.replace(/^\*/, ''));
  if (found?.decl?.kind !== 'named' || found.decl.underlying !== 'string' || !found.decl.comments.includes('+enum')) return undefined;
  const leaf = `${found.pkg.importPath}.${found.name}`;
  const byValue = new Map();
  for (const pkg of packages.values()) {
    for (const c of pkg.consts) {
      if (c.type !== leaf) continue;
      const comment = c.comments.join(' ');
      const existing = byValue.get(c.value);
      if (!existing || existing.comment.length < comment.length || (existing.comment.length === comment.length && existing.comment > comment)) byValue.set(c.value, { name: c.name, comment });
    }
  }
  if (!byValue.size) return { values: [], lines: [] };
  const lines = [...byValue].map(([value, v]) => ` - \`${JSON.stringify(value)}\` ${v.comment.trim().replace(new RegExp(`^${v.name}`), '').trim().replace(/\s+/g, ' ')}`).sort();
  return { values: [...byValue.keys()].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)), lines: ['', 'Possible enum values:', ...lines] };
}

/** description is generateDescription: paragraphs kept, indented lines on lines of their own, markers and TODOs dropped, nothing after `---`. */
function description(lines) {
  let out = '';
  const dropLast = () => { if (out.length) out = out.slice(0, -1); };
  for (let line of lines) {
    if (line === '---') break;
    line = line.replace(/ +$/, '');
    const leading = line.replace(/^ +/, '');
    if (line.length === 0) {
      dropLast();
      out += '\n\n';
    } else if (leading.startsWith('TODO') || leading.startsWith('+')) {
      continue;
    } else if (line.startsWith(' ') || line.startsWith('\t')) {
      dropLast();
      out += `\n${line}\n`;
    } else {
      out += `${line} `;
    }
  }
  return out.trim();
}

/** isSpecial tells a type whose schema is its own (custom JSON, or no JSON fields): models inline it, upstream refers to it. */
function isSpecial(qualified) {
  const found = lookup(qualified);
  if (!found?.decl || found.decl.kind !== 'struct') return false;
  return customUnmarshaling(qualified) || found.pkg.openapi.has(found.name) || flatten(found.pkg, found.decl).length === 0;
}

/** leafOf strips pointers, slices and map values down to the element type, saying which container it sits in. */
function leafOf(expr) {
  let e = expr.replace(/^\*/, '');
  for (let named = lookup(e)?.decl; named?.kind === 'named' && !(named.underlying in ZERO); named = lookup(e)?.decl) e = named.underlying.replace(/^\*/, '');
  let container = '';
  if (e.startsWith('[]')) { container = 'items'; e = e.slice(2).replace(/^\*/, ''); }
  else if (e.startsWith('map[')) {
    let depth = 0;
    let k = 3;
    for (; k < e.length; k++) {
      if (e[k] === '[') depth++;
      if (e[k] === ']' && --depth === 0) break;
    }
    container = 'values';
    e = e.slice(k + 1).replace(/^\*/, '');
  }
  return { container, leaf: e };
}

/** flatten lists a struct's JSON members, embedded inline structs' members in their place, as openapi-gen's generateMembers does. */
function flatten(pkg, struct) {
  const out = [];
  for (const m of struct.members) {
    const jsonTag = /(?:^|\s)json:"([^"]*)"/.exec(m.tags)?.[1];
    const name = jsonTag?.split(',')[0];
    if (name === '-') continue;
    if (m.embedded && !name) {
      const inner = lookup(m.type.replace(/^\*/, ''));
      if (inner?.decl?.kind === 'struct') out.push(...flatten(inner.pkg, inner.decl));
      continue;
    }
    if (!jsonTag) continue;
    out.push({ ...m, json: name || m.name, options: jsonTag.split(',').slice(1), pkg });
  }
  return out;
}

/** facts describes one member: its description and what the model's schema lacks. */
function memberFacts(m) {
  const f = {};
  const e = enumOf(m.type);
  const desc = description([...m.comments, ...(e ? e.lines : [])]);
  if (desc) f.description = desc;
  if (m.options.includes('string')) return f;
  const declared = commentDefault(m.comments, m.pkg);
  const enforced = zeroDefault(m.type, m.options.includes('omitempty'));
  const def = declared ?? enforced;
  if (def !== undefined) f.default = def;
  if (e?.values.length) f.enum = e.values;
  const { container, leaf } = leafOf(m.type);
  if (container) {
    const inner = zeroDefault(leaf, false) ?? commentDefault(lookup(leaf)?.decl?.comments ?? [], m.pkg);
    if (inner !== undefined) f[`${container}Default`] = inner;
    const ie = enumOf(leaf);
    if (ie?.values.length) f[`${container}Enum`] = ie.values;
  }
  if (isSpecial(leaf)) f.ref = specialDefinition(leaf);
  return f;
}

// The packages whose types the models describe.
for (const group of readdirSync(apiDir).sort()) {
  const groupDir = join(apiDir, group);
  if (!statSync(groupDir).isDirectory() || group.startsWith('.')) continue;
  for (const version of readdirSync(groupDir).sort()) {
    if (/^v\d+((alpha|beta)\d+)?$/.test(version)) addPackage(`k8s.io/api/${group}/${version}`, join(groupDir, version));
  }
}
for (const p of ['pkg/apis/meta/v1', 'pkg/api/resource', 'pkg/util/intstr', 'pkg/runtime', 'pkg/version']) addPackage(`k8s.io/apimachinery/${p}`, join(machineryDir, p));
addPackage('k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1', join(apiextensionsDir, 'pkg', 'apis', 'apiextensions', 'v1'));
addPackage('k8s.io/kube-aggregator/pkg/apis/apiregistration/v1', join(aggregatorDir, 'pkg', 'apis', 'apiregistration', 'v1'));

function modelAttributes(model) {
  const js = readFileSync(join(genModels, `${model}.js`), 'utf8');
  const attrs = JSON.parse(/\.attributeTypeMap = (\[[\s\S]*?\n\]);/.exec(js)?.[1] ?? '[]');
  return new Set(attrs.map((a) => a.baseName));
}

/** modelCandidates are the names the client generator may have given a Go type: versioned, with its group on collisions. */
function modelCandidates(importPath, typeName) {
  const parts = importPath.split('/');
  const version = parts[parts.length - 1];
  const cap = (s) => s[0].toUpperCase() + s.slice(1);
  if (!/^v\d/.test(version)) return [`${cap(version)}${typeName}`];
  const group = parts[parts.length - 2];
  return [`${cap(group)}${cap(version)}${typeName}`, `${cap(version)}${typeName}`];
}

const models = {};
const special = {};

/** specialDefinition records a special type's definition (its schema from its OpenAPISchemaType, Format and V3OneOfTypes methods) and names it. */
function specialDefinition(qualified) {
  const found = lookup(qualified);
  const name = definitionName(`${found.pkg.importPath}.${found.name}`);
  if (special[name]) return name;
  const o = found.pkg.openapi.get(found.name) ?? {};
  const def = { description: description(found.decl.comments) };
  const type = o.OpenAPISchemaType === undefined ? ['object'] : o.OpenAPISchemaType;
  if (type) def.type = type[0];
  if (o.OpenAPISchemaFormat) def.format = o.OpenAPISchemaFormat;
  if (o.OpenAPIV3OneOfTypes) def.oneOf = o.OpenAPIV3OneOfTypes;
  special[name] = def;
  return name;
}
for (const pkg of packages.values()) {
  for (const typeName of pkg.types.keys()) {
    const decl = lookup(`${pkg.importPath}.${typeName}`).decl;
    if (decl?.kind !== 'struct' || pkg.types.get(typeName).alias) continue;
    const qualified = `${pkg.importPath}.${typeName}`;
    if (isSpecial(qualified)) continue;
    const model = modelCandidates(pkg.importPath, typeName).find((m) => modelNames.has(m) && !models[m]);
    if (!model) continue;
    const attrs = modelAttributes(model);
    const members = flatten(pkg, decl);
    // Another group's type of the same name covers few of the model's properties.
    const missing = [...attrs].filter((a) => !members.some((m) => m.json === a));
    if (missing.length * 2 > attrs.size) continue;
    const properties = {};
    for (const m of members) if (attrs.has(m.json)) properties[m.json] = memberFacts(m);
    models[model] = { name: definitionName(qualified), description: description(decl.comments), properties };
  }
}

/** OPTIONS are the structs whose fields become query parameters (installer.go's AddObjectParams). */
const OPTIONS = [
  'k8s.io/apimachinery/pkg/apis/meta/v1.ListOptions', 'k8s.io/apimachinery/pkg/apis/meta/v1.CreateOptions', 'k8s.io/apimachinery/pkg/apis/meta/v1.UpdateOptions',
  'k8s.io/apimachinery/pkg/apis/meta/v1.PatchOptions', 'k8s.io/apimachinery/pkg/apis/meta/v1.DeleteOptions', 'k8s.io/apimachinery/pkg/apis/meta/v1.GetOptions',
  'k8s.io/api/core/v1.PodLogOptions', 'k8s.io/api/core/v1.PodExecOptions', 'k8s.io/api/core/v1.PodAttachOptions', 'k8s.io/api/core/v1.PodPortForwardOptions',
  'k8s.io/api/core/v1.PodProxyOptions', 'k8s.io/api/core/v1.NodeProxyOptions', 'k8s.io/api/core/v1.ServiceProxyOptions',
];

/** parameterType is typeToJSON then OpenAPITypeFormat: the query parameter's schema type, or undefined for a field AddObjectParams skips. */
function parameterType(expr) {
  const leaf = expr.replace(/^\*/, '');
  if (leaf === '[]string') return 'string';
  if (leaf === '[]int32') return 'integer';
  if (leaf in ZERO) return leaf === 'bool' ? 'boolean' : leaf === 'string' ? 'string' : /float/.test(leaf) ? 'number' : 'integer';
  const found = lookup(leaf);
  if (found?.decl?.kind === 'named' && found.decl.underlying === 'string') return 'string';
  return undefined;
}

const options = {};
for (const qualified of OPTIONS) {
  const found = lookup(qualified);
  const docs = found.pkg.swaggerDocs.get(found.name) ?? {};
  // Only the struct's own fields: the embedded TypeMeta is a struct, which AddObjectParams passes over.
  options[found.name] = found.decl.members.filter((m) => !m.embedded && parameterType(m.type)).map((m) => ({ m, json: /(?:^|\s)json:"([^",]*)/.exec(m.tags)?.[1] }))
    .filter(({ json }) => json && json !== '-').map(({ m, json }) => ({ name: json, description: docs[json] ?? '', type: parameterType(m.type) }));
}

/** The metav1 types whose field docs custom resources' schemas borrow (apiextensions-apiserver's builder.go). */
const meta = packages.get('k8s.io/apimachinery/pkg/apis/meta/v1');
const swaggerDocs = Object.fromEntries(['TypeMeta', 'PartialObjectMetadata', 'PartialObjectMetadataList'].map((t) => [t, meta.swaggerDocs.get(t)]));

// PATCH requests' bodies are metav1.Patch, which no model holds.
specialDefinition('k8s.io/apimachinery/pkg/apis/meta/v1.Patch');

const unmatched = [...modelNames].filter((m) => !models[m]);
if (unmatched.length) console.warn(`no Go type found for ${unmatched.length} models: ${unmatched.join(', ')}`);
const sorted = (o) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
writeFileSync(join(import.meta.dirname, 'openApiFacts.json'), `${JSON.stringify({ source: `Generated by scripts/lib/extractOpenApiFacts.mjs from ${label}; edit by re-running it.`, models: sorted(models), special: sorted(special), options, swaggerDocs }, null, 0)
  .replace(/,"(V\d|[A-Z][a-z]+V\d|VersionInfo|io\.k8s)/g, ',\n"$1')}\n`);
console.log(`${Object.keys(models).length} models, ${Object.keys(special).length} special definitions`);
