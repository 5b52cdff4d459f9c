/**
 * config turns an EncryptionConfiguration into the API server's per-resource
 * transformers, as upstream's encryptionconfig.LoadEncryptionConfig: decode,
 * validate, then for each entry build its providers (each provider's keys
 * chosen by the `<name>:` that follows its prefix) and give them to each
 * group-resource it lists; a resource is found exactly, then as `*.<group>`,
 * then as `*.*`, and a resource no entry covers is read and written as
 * plaintext (identity).
 */
import { type RandomBytes, cbcTransformer, gcmTransformer } from './aes';
import { decodeConfigObject, decodeConfigText } from './decode';
import { secretboxTransformer } from './secretbox';
import { type PrefixTransformer, type ResourceTransformers, type TransformationRecorder, type Transformer, identity, prefixTransformers } from './transformer';
import { type EncryptionConfiguration, type GroupResource, type Key, type ResourceConfiguration, grYAMLString, parseGroupResource } from './types';
import { decodeBase64, validationError } from './validation';

export const AESCBC_PREFIX = 'k8s:enc:aescbc:v1:';
export const AESGCM_PREFIX = 'k8s:enc:aesgcm:v1:';
export const SECRETBOX_PREFIX = 'k8s:enc:secretbox:v1:';


/** ENCRYPTION_CONFIG_FLAG is kube-apiserver's flag for the file. */
export const ENCRYPTION_CONFIG_FLAG = '--encryption-provider-config';

/** EncryptionOptions are what building the transformers needs besides the configuration. */
export interface EncryptionOptions {
  /** randomBytes draws the IVs and nonces: cryptographic randomness from the composition root. */
  randomBytes: RandomBytes;
  /** record counts transformations for /metrics. */
  record?: TransformationRecorder;
}

/**
 * parseEncryptionConfiguration decodes and validates a configuration given as an
 * object (LabConfig.encryption) or as a file's text; errors are worded as
 * kube-apiserver words them after `error while parsing file: `.
 */
export function parseEncryptionConfiguration(data: unknown, path?: string): { config: EncryptionConfiguration } | { error: string } {
  const decoded = typeof data === 'string' ? decodeConfigText(data) : decodeConfigObject(data);
  if ('error' in decoded) return { error: path === undefined ? decoded.error : `error decoding encryption provider configuration file ${JSON.stringify(path)}: ${decoded.error}` };
  const invalid = validationError(decoded.config);
  return invalid ? { error: invalid } : decoded;
}

/**
 * loadEncryptionConfig is LoadEncryptionConfig over a file's contents (read by
 * the caller, which has the file system): parsed, validated and built, or the
 * error kube-apiserver stops with.
 */
export function loadEncryptionConfig(path: string, text: string, options: EncryptionOptions): ResourceTransformers | { error: string } {
  if (text.length === 0) return { error: `error while parsing file: error while loading file: encryption provider configuration file ${JSON.stringify(path)} is empty` };
  const parsed = parseEncryptionConfiguration(text, path);
  if ('error' in parsed) return { error: `error while parsing file: ${parsed.error}` };
  return buildTransformers(parsed.config, options);
}

/** encryptionTransformers parses, validates and builds a configuration given as an object. */
export function encryptionTransformers(data: unknown, options: EncryptionOptions): ResourceTransformers | { error: string } {
  const parsed = parseEncryptionConfiguration(data);
  if ('error' in parsed) return { error: `error while parsing encryption provider configuration: ${parsed.error}` };
  return buildTransformers(parsed.config, options);
}

/** buildTransformers is getTransformerOverrides: each entry's providers, given to each resource it names unless an earlier wildcard masks it. */
export function buildTransformers(config: EncryptionConfiguration, options: EncryptionOptions): ResourceTransformers | { error: string } {
  const byResource = new Map<string, PrefixTransformer[]>();
  const keyOf = (gr: GroupResource): string => `${gr.group}\u0000${gr.resource}`;
  for (const entry of config.resources) {
    const built = entryTransformers(entry, options.randomBytes);
    if ('error' in built) return { error: `error while building transformers: ${built.error}` };
    for (const name of entry.resources) {
      const gr = parseGroupResource(name);
      for (const mask of [{ group: gr.group, resource: '*' }, { group: '*', resource: '*' }]) {
        if (byResource.has(keyOf(mask))) return { error: `error while building transformers: resource ${JSON.stringify(grYAMLString(gr))} is masked by earlier rule ${JSON.stringify(grYAMLString(mask))}` };
      }
      byResource.set(keyOf(gr), [...(byResource.get(keyOf(gr)) ?? []), ...built.transformers]);
    }
  }
  const transformers = new Map<string, Transformer>();
  for (const [k, list] of byResource) transformers.set(k, prefixTransformers('no matching prefix found', list, options.record));
  return {
    transformerFor: (group, resource) =>
      transformers.get(keyOf({ group, resource })) ?? transformers.get(keyOf({ group, resource: '*' })) ?? transformers.get(keyOf({ group: '*', resource: '*' })) ?? identity,
  };
}

/** entryTransformers is prefixTransformersAndProbes: one prefix transformer per provider, in the entry's order. */
function entryTransformers(entry: ResourceConfiguration, randomBytes: RandomBytes): { transformers: PrefixTransformer[] } | { error: string } {
  const transformers: PrefixTransformer[] = [];
  for (const p of entry.providers) {
    let built: PrefixTransformer | { error: string };
    if (p.aesgcm) built = keyedTransformer(p.aesgcm.keys ?? [], AESGCM_PREFIX, 'AES', (key) => gcmTransformer(key, randomBytes));
    else if (p.aescbc) built = keyedTransformer(p.aescbc.keys ?? [], AESCBC_PREFIX, 'AES', (key) => cbcTransformer(key, randomBytes));
    else if (p.secretbox) built = keyedTransformer(p.secretbox.keys ?? [], SECRETBOX_PREFIX, 'Secretbox', (key) => secretboxTransformer(key, randomBytes));
    else if (p.kms) built = { error: `could not configure KMS plugin ${JSON.stringify(p.kms.name ?? '')}: the lab has no KMS plugin to reach` };
    else if (p.identity) built = { prefix: '', transformer: identity };
    else built = { error: 'provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, Secretbox, Identity' };
    if ('error' in built) return built;
    transformers.push(built);
  }
  return { transformers };
}

/** keyedTransformer is aesPrefixTransformer: the provider's prefix over its keys, each chosen by `<name>:`, the first writing. */
function keyedTransformer(keys: readonly Key[], prefix: string, kind: string, make: (key: Uint8Array) => Transformer): PrefixTransformer | { error: string } {
  if (keys.length === 0) return { error: `${kind.toLowerCase()} provider has no valid keys` };
  for (const k of keys) {
    if (!k.name) return { error: 'key with invalid name provided' };
    if (!k.secret) return { error: `key ${k.name} has no provided secret` };
  }
  const byKey: PrefixTransformer[] = [];
  for (const k of keys) {
    const secret = decodeBase64(k.secret);
    if (!secret) return { error: `could not obtain secret for named key ${k.name}: illegal base64 data` };
    byKey.push({ prefix: `${k.name}:`, transformer: make(new Uint8Array(secret)) });
  }
  return { prefix, transformer: prefixTransformers(`no matching key was found for the provided ${kind} transformer`, byKey) };
}
