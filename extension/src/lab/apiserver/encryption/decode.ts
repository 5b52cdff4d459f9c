/**
 * decode reads an EncryptionConfiguration as kube-apiserver's config codec
 * does: YAML or JSON, type meta checked against the one registered version,
 * fields decoded strictly (an unknown field is an error naming its path), and a
 * value of the wrong JSON type refused as encoding/json refuses it.
 */
import { parseDocument } from 'yaml';
import { ENCRYPTION_CONFIG_API_VERSION, ENCRYPTION_CONFIG_KIND, type EncryptionConfiguration } from './types';

/** Field kinds the schema below is made of. */
type Schema = 'string' | 'int32' | { struct: string; fields: Record<string, Schema> } | { list: Schema; goType: string };

const KEY: Schema = { struct: 'Key', fields: { name: 'string', secret: 'string' } };
const KEYS: Schema = { list: KEY, goType: '[]v1.Key' };
const PROVIDER: Schema = {
  struct: 'ProviderConfiguration',
  fields: {
    aesgcm: { struct: 'AESConfiguration', fields: { keys: KEYS } },
    aescbc: { struct: 'AESConfiguration', fields: { keys: KEYS } },
    secretbox: { struct: 'SecretboxConfiguration', fields: { keys: KEYS } },
    identity: { struct: 'IdentityConfiguration', fields: {} },
    kms: { struct: 'KMSConfiguration', fields: { apiVersion: 'string', name: 'string', cachesize: 'int32', endpoint: 'string', timeout: 'string' } },
  },
};
const CONFIG: Schema = {
  struct: 'EncryptionConfiguration',
  fields: {
    apiVersion: 'string',
    kind: 'string',
    resources: {
      list: {
        struct: 'ResourceConfiguration',
        fields: { resources: { list: 'string', goType: '[]string' }, providers: { list: PROVIDER, goType: '[]v1.ProviderConfiguration' } },
      },
      goType: '[]v1.ResourceConfiguration',
    },
  },
};

/** jsonType names a value's JSON type as encoding/json's UnmarshalTypeError does. */
function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v;
}

function goType(s: Schema): string {
  if (s === 'string') return 'string';
  if (s === 'int32') return 'int32';
  return 'struct' in s ? `v1.${s.struct}` : s.goType;
}

/**
 * decodeConfigObject checks a decoded document against the configuration's
 * schema: the type meta first, then the first type error, then every unknown
 * field (sigs.k8s.io/json's strict decoding gathers them all).
 */
export function decodeConfigObject(data: unknown): { config: EncryptionConfiguration } | { error: string } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { error: `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonType(data)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }` };
  const { apiVersion, kind } = data as { apiVersion?: unknown; kind?: unknown };
  const text = JSON.stringify(data);
  if (typeof kind !== 'string' || kind === '') return { error: `Object 'Kind' is missing in '${text}'` };
  if (typeof apiVersion !== 'string' || apiVersion === '') return { error: `Object 'apiVersion' is missing in '${text}'` };
  if (apiVersion !== ENCRYPTION_CONFIG_API_VERSION || kind !== ENCRYPTION_CONFIG_KIND) {
    return { error: `no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)} in scheme "k8s.io/apiserver/pkg/server/options/encryptionconfig/config.go"` };
  }
  const unknown: string[] = [];
  const typeError = walk(data, CONFIG, '', CONFIG, [], unknown);
  if (typeError) return { error: typeError };
  if (unknown.length) return { error: `strict decoding error: ${unknown.map((f) => `unknown field ${JSON.stringify(f)}`).join(', ')}` };
  return { config: data as EncryptionConfiguration };
}

/** walk checks value against schema at path; it answers the first type error and gathers unknown fields. fieldPath is the Go error's dotted field names. */
function walk(value: unknown, schema: Schema, path: string, parent: Schema, fieldPath: string[], unknown: string[]): string | undefined {
  // encoding/json leaves the zero value for null.
  if (value === null) return undefined;
  const mismatch = (): string => {
    const owner = typeof parent === 'object' && 'struct' in parent ? parent.struct : 'EncryptionConfiguration';
    return `json: cannot unmarshal ${jsonType(value)} into Go struct field ${owner}.${fieldPath.join('.')} of type ${goType(schema)}`;
  };
  if (schema === 'string') return typeof value === 'string' ? undefined : mismatch();
  if (schema === 'int32') return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 2 ** 31 ? undefined : mismatch();
  if ('list' in schema) {
    if (!Array.isArray(value)) return mismatch();
    for (let i = 0; i < value.length; i++) {
      const err = walk(value[i], schema.list, `${path}[${i}]`, parent, fieldPath, unknown);
      if (err) return err;
    }
    return undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value)) return mismatch();
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    const child = path ? `${path}.${name}` : name;
    const field = schema.fields[name];
    if (!field) {
      unknown.push(child);
      continue;
    }
    const err = walk(v, field, child, schema, [...fieldPath, name], unknown);
    if (err) return err;
  }
  return undefined;
}

/** decodeConfigText parses a configuration file's text (YAML, or JSON as YAML's subset) and decodes it. */
export function decodeConfigText(text: string): { config: EncryptionConfiguration } | { error: string } {
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0].line ?? 1;
    const what = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    return { error: `error converting YAML to JSON: yaml: line ${line}: ${what}` };
  }
  return decodeConfigObject(doc.toJS() as unknown);
}
