/**
 * decode reads a `application/vnd.kubernetes.protobuf` body into the JSON
 * object the API server takes, as apimachinery's protobuf serializer
 * (runtime/serializer/protobuf) reads it: the `k8s\0` magic, a runtime.Unknown
 * envelope naming apiVersion and kind, and the object's message, decoded field
 * by field against upstream's generated.proto (protoSchemaData). Proto field
 * names are the JSON names; the types apimachinery gives custom JSON forms —
 * Time, MicroTime, Duration, Quantity, IntOrString, RawExtension, FieldsV1 and
 * the `items` wrappers (ExtraValue, Verbs) — are rendered in those forms.
 */
import { protoSchemaData } from './protoSchemaData';
import { WireError, type WireField, readFields, readPackedVarints } from './wire';

/** PROTOBUF_MAGIC is the serializer's prefix, `k8s\0`. */
export const PROTOBUF_MAGIC = Uint8Array.from([0x6b, 0x38, 0x73, 0x00]);

/** Field is [number, JSON name ('' for an embedded struct JSON inlines), type, omitZero] (see scripts/lib/protobufSchema.mjs). */
type Field = readonly [number, string, string, 1?];

interface Schema {
  packages: string[];
  messages: Record<string, Field[]>;
}

let schema: { byName: Map<string, Map<number, Field>>; packages: string[] } | undefined;

function loaded(): NonNullable<typeof schema> {
  if (schema) return schema;
  const data = JSON.parse(protoSchemaData) as Schema;
  const byName = new Map<string, Map<number, Field>>();
  for (const [name, fields] of Object.entries(data.messages)) byName.set(name, new Map(fields.map((f) => [f[0], f])));
  return (schema = { byName, packages: data.packages });
}

/** decodeProtobuf returns the object a body carries, or the serializer's error. */
export function decodeProtobuf(body: Uint8Array): { object: Record<string, unknown> } | { error: string } {
  if (!body.length) return { error: 'empty data' };
  if (body.length < PROTOBUF_MAGIC.length || PROTOBUF_MAGIC.some((b, i) => body[i] !== b)) {
    return { error: `provided data does not appear to be a protobuf message, expected prefix [${PROTOBUF_MAGIC.join(' ')}]` };
  }
  try {
    const envelope = readFields(body.subarray(PROTOBUF_MAGIC.length));
    const typeMeta = lastBytes(envelope, 1);
    const meta = typeMeta ? readFields(typeMeta) : [];
    const text = (fs: WireField[], n: number): string => new TextDecoder().decode(lastBytes(fs, n) ?? new Uint8Array());
    const apiVersion = text(meta, 1);
    const kind = text(meta, 2);
    const message = messageFor(apiVersion, kind);
    if (!message) return { error: `no kind "${kind}" is registered for version "${apiVersion}"` };
    const object = decodeMessage(message, lastBytes(envelope, 2) ?? new Uint8Array());
    return { object: { apiVersion, kind, ...(object as Record<string, unknown>) } };
  } catch (err) {
    if (err instanceof WireError) return { error: `proto: ${err.message}` };
    throw err;
  }
}

/** messageFor finds kind's message: in its group's package, else meta/v1 (DeleteOptions and the like travel as any group's). */
function messageFor(apiVersion: string, kind: string): string | undefined {
  const { byName, packages } = loaded();
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? 'core' : apiVersion.slice(0, slash).split('.')[0];
  const version = apiVersion.slice(slash + 1);
  for (const pkg of [`k8s.io.api.${group}.${version}`, 'k8s.io.apimachinery.pkg.apis.meta.v1']) {
    const name = `${packages.indexOf(pkg)}.${kind}`;
    if (packages.includes(pkg) && byName.has(name)) return name;
  }
  return undefined;
}

/** decodeMessage decodes bytes as message; a field of a type outside the schema is skipped, as an unknown field is. */
function decodeMessage(message: string, bytes: Uint8Array): unknown {
  const { byName } = loaded();
  const fields = byName.get(message) as Map<number, Field>;
  const special = SPECIAL[fullName(message)];
  const out: Record<string, unknown> = {};
  for (const wire of readFields(bytes)) {
    const field = fields.get(wire.number);
    if (!field) continue;
    const [, name, type, omitZero] = field;
    if (type.startsWith('{')) {
      const entry = readFields(bytesOf(wire));
      const key = new TextDecoder().decode(lastBytes(entry, 1) ?? new Uint8Array());
      const valueWire = entry.filter((f) => f.number === 2).pop();
      const value = valueWire ? decodeValue(type.slice(1), valueWire) : zeroValue(type.slice(1));
      if (value !== SKIP) ((out[name] ??= {}) as Record<string, unknown>)[key] = value;
    } else if (type.startsWith('[')) {
      const item = type.slice(1);
      const values = wire.wireType === 2 && (item === 'int32' || item === 'int64' || item === 'bool') ? readPackedVarints(wire.bytes).map((v) => scalar(item, v)) : [decodeValue(item, wire)];
      if (values[0] !== SKIP) ((out[name] ??= []) as unknown[]).push(...values);
    } else {
      const value = decodeValue(type, wire);
      // An embedded struct has no JSON name: JSON writes its fields into the parent's.
      if (name === '' && value !== null && typeof value === 'object') Object.assign(out, value);
      // The marshaller writes a non-pointer field's zero value, which JSON's omitempty would have left out.
      else if (value !== SKIP && !(omitZero && (value === '' || value === 0 || value === false))) out[name] = value;
    }
  }
  return special ? special(out) : out;
}

const SKIP = Symbol('skip');

function decodeValue(type: string, wire: WireField): unknown {
  switch (type) {
    case 'string': return new TextDecoder().decode(bytesOf(wire));
    case 'bytes': return Buffer.from(bytesOf(wire)).toString('base64');
    case 'int32': case 'int64': case 'bool':
      if (wire.wireType !== 0) throw new WireError(`bad wiretype for ${type} field`);
      return scalar(type, wire.value);
    default:
      return loaded().byName.has(type) ? decodeMessage(type, bytesOf(wire)) : SKIP;
  }
}

function scalar(type: string, v: bigint): number | boolean {
  if (type === 'bool') return v !== 0n;
  return Number(type === 'int32' ? BigInt.asIntN(32, v) : BigInt.asIntN(64, v));
}

function zeroValue(type: string): unknown {
  if (type === 'string') return '';
  if (type === 'bytes') return '';
  if (type === 'bool') return false;
  if (type === 'int32' || type === 'int64') return 0;
  return loaded().byName.has(type) ? decodeMessage(type, new Uint8Array()) : SKIP;
}

function bytesOf(wire: WireField): Uint8Array {
  if (wire.wireType !== 2) throw new WireError(`bad wiretype for field ${wire.number}`);
  return wire.bytes;
}

function lastBytes(fields: readonly WireField[], n: number): Uint8Array | undefined {
  const f = fields.filter((x) => x.number === n && x.wireType === 2).pop();
  return f?.wireType === 2 ? f.bytes : undefined;
}

function fullName(short: string): string {
  const dot = short.indexOf('.');
  return `${loaded().packages[Number(short.slice(0, dot))]}.${short.slice(dot + 1)}`;
}

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
type Fields = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** SPECIAL are the messages whose JSON form is not an object of their fields. */
const SPECIAL: Record<string, (f: Fields) => unknown> = {
  [`${META}.Time`]: (f) => (num(f.seconds) || num(f.nanos) ? formatTime(num(f.seconds), 0) : null),
  [`${META}.MicroTime`]: (f) => (num(f.seconds) || num(f.nanos) ? formatTime(num(f.seconds), num(f.nanos), 6) : null),
  [`${META}.Duration`]: (f) => goDuration(num(f.duration)),
  [`${META}.FieldsV1`]: (f) => parseJson(f.Raw),
  [`${META}.Verbs`]: (f) => f.items ?? [],
  'k8s.io.api.authentication.v1.ExtraValue': (f) => f.items ?? [],
  'k8s.io.api.authorization.v1.ExtraValue': (f) => f.items ?? [],
  'k8s.io.apimachinery.pkg.runtime.RawExtension': (f) => parseJson(f.raw),
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': (f) => (num(f.type) === 1 ? str(f.strVal) : num(f.intVal)),
  'k8s.io.apimachinery.pkg.api.resource.Quantity': (f) => str(f.string),
  'k8s.io.apimachinery.pkg.api.resource.QuantityValue': (f) => str(f.string),
};

/** parseJson reads a base64 field holding JSON (RawExtension, FieldsV1); empty is null. */
function parseJson(b64: unknown): unknown {
  const text = Buffer.from(str(b64), 'base64').toString('utf8');
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** formatTime is RFC 3339 in UTC, as metav1.Time (whole seconds) and MicroTime (six fractional digits) marshal. */
function formatTime(seconds: number, nanos: number, fractionDigits = 0): string {
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (!fractionDigits) return `${iso}Z`;
  return `${iso}.${String(Math.floor(nanos / 10 ** (9 - fractionDigits))).padStart(fractionDigits, '0')}Z`;
}

/** goDuration is time.Duration's String: `1h2m3.5s`, `1.5ms`, `0s`. */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  const abs = Math.abs(ns);
  const trim = (n: number, digits: number): string => (n / 10 ** digits).toFixed(digits).replace(/\.?0+$/, '');
  if (abs < 1e3) return `${sign}${abs}ns`;
  if (abs < 1e6) return `${sign}${trim(abs, 3)}µs`;
  if (abs < 1e9) return `${sign}${trim(abs, 6)}ms`;
  const h = Math.floor(abs / 3.6e12);
  const m = Math.floor((abs % 3.6e12) / 6e10);
  const s = trim(abs % 6e10, 9);
  return `${sign}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}
