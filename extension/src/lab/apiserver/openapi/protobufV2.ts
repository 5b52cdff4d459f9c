/**
 * protobufV2 encodes a Swagger 2.0 document as gnostic's openapi_v2.Document
 * (openapiv2/OpenAPIv2.proto), as kube-openapi's handler serves
 * `application/com.github.proto-openapi.spec.v2.v1.0+protobuf` after
 * openapi_v2.ParseDocument: every object a message, maps as repeated Named*
 * pairs in document order, parameters and responses as their oneof arms, and
 * free values (enum, default, example, x- extensions) as Any holding their YAML.
 * client-go's OpenAPISchema asks for this first (kubectl explain
 * --output=plaintext-openapiv2, and validation against servers without
 * fieldValidation).
 */
import { stringify } from 'yaml';

type Json = Record<string, unknown>;

/** Node is encoded bytes as a tree, flattened once at the end: nesting copies nothing. */
interface Node {
  len: number;
  kids: (Uint8Array | Node)[];
}
type Part = Node | undefined;

function varint(n: number): Uint8Array {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

function leaf(...bytes: Uint8Array[]): Node {
  return { len: bytes.reduce((n, b) => n + b.length, 0), kids: bytes };
}

function key(field: number, wireType: number): Uint8Array {
  return varint(field * 8 + wireType);
}

/** msg is a message: its fields in order, absent ones left out. */
function msg(...parts: (Part | Part[])[]): Node {
  const kids = parts.flat().filter((p): p is Node => p !== undefined);
  return { len: kids.reduce((n, k) => n + k.len, 0), kids };
}

/** sub is a present submessage or length-delimited value (proto3 writes a submessage even when empty). */
function sub(field: number, body: Node | undefined): Part {
  if (body === undefined) return undefined;
  const head = leaf(key(field, 2), varint(body.len));
  return { len: head.len + body.len, kids: [head, body] };
}

function str(field: number, s: unknown): Part {
  if (typeof s !== 'string' || s === '') return undefined;
  return sub(field, leaf(Buffer.from(s, 'utf8')));
}

function strs(field: number, list: unknown): Part[] {
  return Array.isArray(list) ? list.map((s) => sub(field, leaf(Buffer.from(String(s), 'utf8')))) : [];
}

function bool(field: number, b: unknown): Part {
  return b === true ? leaf(key(field, 0), varint(1)) : undefined;
}

function double(field: number, x: unknown): Part {
  if (typeof x !== 'number' || x === 0) return undefined;
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return leaf(key(field, 1), b);
}

function int64(field: number, x: unknown): Part {
  return typeof x === 'number' && x > 0 ? leaf(key(field, 0), varint(Math.trunc(x))) : undefined;
}

/** flatten writes a node's bytes out. */
function flatten(root: Node): Buffer {
  const out = Buffer.alloc(root.len);
  let at = 0;
  const stack: (Uint8Array | Node)[] = [root];
  while (stack.length) {
    const n = stack.pop() as Uint8Array | Node;
    if (n instanceof Uint8Array) {
      out.set(n, at);
      at += n.length;
    } else {
      for (let i = n.kids.length - 1; i >= 0; i--) stack.push(n.kids[i]);
    }
  }
  return out;
}

function obj(v: unknown): Json | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

/** yamlOf renders a free value as yaml.Marshal does; the same few values (list types, GVKs, enum members) recur thousands of times. */
const yamlCache = new Map<string, Node>();
function yamlOf(v: unknown): Node {
  const k = JSON.stringify(v);
  let b = yamlCache.get(k);
  if (!b) {
    b = msg(str(2, stringify(v, { lineWidth: 0 })));
    if (yamlCache.size < 10_000) yamlCache.set(k, b);
  }
  return b;
}

/** any is gnostic's Any: the value as YAML text (field 2). */
function any(field: number, v: unknown): Part {
  return v === undefined ? undefined : sub(field, yamlOf(v));
}

/** named encodes a map as repeated {name, value} messages, in the document's order. */
function named(field: number, m: unknown, value: (v: unknown) => Node): Part[] {
  return Object.entries(obj(m) ?? {}).map(([name, v]) => sub(field, msg(str(1, name), sub(2, value(v)))));
}

/** extensions are an object's x- keys as repeated NamedAny. */
function extensions(field: number, o: Json): Part[] {
  return Object.entries(o).filter(([k]) => k.startsWith('x-')).map(([name, v]) => sub(field, msg(str(1, name), any(2, v))));
}

function schema(v: unknown): Node {
  const s = obj(v) ?? {};
  const items = s.items === undefined ? undefined : msg((Array.isArray(s.items) ? s.items : [s.items]).map((i) => sub(1, schema(i))));
  const additional = s.additionalProperties === undefined ? undefined
    : typeof s.additionalProperties === 'boolean' ? leaf(key(2, 0), varint(s.additionalProperties ? 1 : 0)) : msg(sub(1, schema(s.additionalProperties)));
  const type = s.type === undefined ? undefined : msg(strs(1, Array.isArray(s.type) ? s.type : [s.type]));
  return msg(
    str(1, s.$ref), str(2, s.format), str(3, s.title), str(4, s.description), any(5, s.default), double(6, s.multipleOf), double(7, s.maximum),
    bool(8, s.exclusiveMaximum), double(9, s.minimum), bool(10, s.exclusiveMinimum), int64(11, s.maxLength), int64(12, s.minLength), str(13, s.pattern),
    int64(14, s.maxItems), int64(15, s.minItems), bool(16, s.uniqueItems), int64(17, s.maxProperties), int64(18, s.minProperties), strs(19, s.required),
    Array.isArray(s.enum) ? s.enum.map((e) => any(20, e)) : [], sub(21, additional), sub(22, type), sub(23, items),
    Array.isArray(s.allOf) ? s.allOf.map((a) => sub(24, schema(a))) : [], s.properties === undefined ? undefined : sub(25, msg(named(1, s.properties, schema))),
    str(26, s.discriminator), bool(27, s.readOnly), any(30, s.example), extensions(31, s),
  );
}

/** parameter is ParametersItem: a reference, a body parameter, or a query, path, header or form parameter's sub-schema. */
function parameter(v: unknown): Node {
  const p = obj(v) ?? {};
  if (typeof p.$ref === 'string') return msg(sub(2, msg(str(1, p.$ref), str(2, p.description))));
  if (p.in === 'body') {
    return msg(sub(1, msg(sub(1, msg(str(1, p.description), str(2, p.name), str(3, p.in), bool(4, p.required), p.schema === undefined ? undefined : sub(5, schema(p.schema)), extensions(6, p))))));
  }
  // Query and form parameters carry allowEmptyValue, which shifts their field numbers by one from path and header parameters'.
  const form = p.in === 'query' || p.in === 'formData';
  const o = form ? 1 : 0;
  const common = msg(
    bool(1, p.required), str(2, p.in), str(3, p.description), str(4, p.name), form ? bool(5, p.allowEmptyValue) : undefined, str(5 + o, p.type), str(6 + o, p.format),
    str(8 + o, p.collectionFormat), any(9 + o, p.default), double(10 + o, p.maximum), bool(11 + o, p.exclusiveMaximum), double(12 + o, p.minimum), bool(13 + o, p.exclusiveMinimum),
    str(16 + o, p.pattern), bool(19 + o, p.uniqueItems), Array.isArray(p.enum) ? p.enum.map((e) => any(20 + o, e)) : [], double(21 + o, p.multipleOf), extensions(22 + o, p),
  );
  const arm = { header: 1, formData: 2, query: 3, path: 4 }[p.in as string] ?? 3;
  return msg(sub(1, msg(sub(2, msg(sub(arm, common))))));
}

function operation(v: unknown): Node {
  const o = obj(v) ?? {};
  const responses = msg(named(1, o.responses, (r) => {
    const resp = obj(r) ?? {};
    if (typeof resp.$ref === 'string') return msg(sub(2, msg(str(1, resp.$ref))));
    return msg(sub(1, msg(str(1, resp.description), resp.schema === undefined ? undefined : sub(2, msg(sub(1, schema(resp.schema)))), extensions(5, resp))));
  }));
  return msg(
    strs(1, o.tags), str(2, o.summary), str(3, o.description), str(5, o.operationId), strs(6, o.produces), strs(7, o.consumes),
    Array.isArray(o.parameters) ? o.parameters.map((p) => sub(8, parameter(p))) : [], sub(9, responses), strs(10, o.schemes), bool(11, o.deprecated), extensions(13, o),
  );
}

function pathItem(v: unknown): Node {
  const p = obj(v) ?? {};
  const op = (field: number, name: string): Part => (p[name] === undefined ? undefined : sub(field, operation(p[name])));
  return msg(
    str(1, p.$ref), op(2, 'get'), op(3, 'put'), op(4, 'post'), op(5, 'delete'), op(6, 'options'), op(7, 'head'), op(8, 'patch'),
    Array.isArray(p.parameters) ? p.parameters.map((x) => sub(9, parameter(x))) : [], extensions(10, p),
  );
}

function securityDefinition(v: unknown): Node {
  const d = obj(v) ?? {};
  if (d.type === 'basic') return msg(sub(1, msg(str(1, d.type), str(2, d.description), extensions(3, d))));
  return msg(sub(2, msg(str(1, d.type), str(2, d.name), str(3, d.in), str(4, d.description), extensions(5, d))));
}

/** encodeOpenApiV2 is proto.Marshal(openapi_v2.ParseDocument(json)) for the documents the lab serves. */
export function encodeOpenApiV2(doc: Json): Buffer {
  const info = obj(doc.info) ?? {};
  const security = Array.isArray(doc.security) ? doc.security.map((req) => sub(12, msg(named(1, req, (names) => msg(strs(1, names)))))) : [];
  return flatten(msg(
    str(1, doc.swagger), sub(2, msg(str(1, info.title), str(2, info.version), str(3, info.description), extensions(7, info))), str(3, doc.host), str(4, doc.basePath),
    strs(5, doc.schemes), strs(6, doc.consumes), strs(7, doc.produces),
    doc.paths === undefined ? undefined : sub(8, msg(extensions(1, obj(doc.paths) ?? {}), named(2, Object.fromEntries(Object.entries(obj(doc.paths) ?? {}).filter(([k]) => !k.startsWith('x-'))), pathItem))),
    doc.definitions === undefined ? undefined : sub(9, msg(named(1, doc.definitions, schema))),
    security,
    doc.securityDefinitions === undefined ? undefined : sub(13, msg(named(1, doc.securityDefinitions, securityDefinition))),
    extensions(16, doc),
  ));
}
