/**
 * validation is ValidateEncryptionConfiguration
 * (apiserver/pkg/apis/apiserver/validation/validation_encryption.go): each entry
 * needs resources and providers, resources may not overlap or repeat, be `*`,
 * name a resource without a REST API or the events.k8s.io and extensions
 * groups; each provider names exactly one kind, and every key has a name and a
 * base64 secret of a length its cipher takes. Messages are upstream's.
 */
import { type FieldError, OMIT_VALUE, formatFieldErrors, invalidValue, required } from '../fieldErrors';
import { AES_KEY_SIZES } from './aes';
import { type EncryptionConfiguration, type Key, type ProviderConfiguration, parseGroupResource } from './types';

const MORE_THAN_ONE = 'more than one provider specified in a single element, should split into different list elements';
const NO_PROVIDER = 'provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, Secretbox, Identity';
const BASE64 = 'secrets must be base64 encoded';
const EVENTS_GROUP = "'*.events.k8s.io' objects are stored using the 'events' API group in etcd. Use 'events' instead in the config file";
const EXTENSIONS_GROUP = "'extensions' group has been removed and cannot be used for encryption";
const STAR_RESOURCE = "use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources";
const OVERLAP = "using overlapping resources such as 'secrets' and '*.' in the same resource list is not allowed as they will be masked";
const NON_REST = 'resources which do not have REST API/s cannot be encrypted';
const CAPITALS = 'resource name should not contain capital letters';
const ACROSS_GROUPS = 'encrypting the same resource across groups is not supported';
const DUPLICATE = 'the same resource cannot be specified multiple times';

/** SECRETBOX_KEY_SIZES is the one key length NaCl's secretbox takes. */
const SECRETBOX_KEY_SIZES = [32] as const;

/** BASE64_STD is Go's base64.StdEncoding alphabet with its padding, as DecodeString accepts it. */
const BASE64_STD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** decodeBase64 is base64.StdEncoding.DecodeString: padded standard base64 or nothing. */
export function decodeBase64(s: string): Buffer | undefined {
  // DecodeString skips carriage returns and newlines.
  const t = s.replace(/[\r\n]/g, '');
  return BASE64_STD.test(t) ? Buffer.from(t, 'base64') : undefined;
}

/** validateEncryptionConfiguration lists what is wrong with a decoded configuration. */
export function validateEncryptionConfiguration(c: EncryptionConfiguration): FieldError[] {
  const errs: FieldError[] = [];
  const resources = c.resources ?? [];
  if (resources.length === 0) return [required('resources', 'at least one resources is required')];
  resources.forEach((conf, i) => {
    const r = `resources[${i}].resources`;
    const p = `resources[${i}].providers`;
    const names = conf?.resources ?? [];
    if (names.length === 0) errs.push(required(r, `at least one ${r} is required`));
    errs.push(...validateResourceOverlap(names, r), ...validateResourceNames(names, r));
    const providers = conf?.providers ?? [];
    if (providers.length === 0) errs.push(required(p, `at least one ${p} is required`));
    providers.forEach((provider, j) => {
      const path = `${p}[${j}]`;
      errs.push(...validateSingleProvider(provider ?? {}, path));
      if (provider?.aesgcm) errs.push(...validateKeys(provider.aesgcm.keys ?? [], `${path}.aesgcm.keys`, AES_KEY_SIZES));
      else if (provider?.aescbc) errs.push(...validateKeys(provider.aescbc.keys ?? [], `${path}.aescbc.keys`, AES_KEY_SIZES));
      else if (provider?.secretbox) errs.push(...validateKeys(provider.secretbox.keys ?? [], `${path}.secretbox.keys`, SECRETBOX_KEY_SIZES));
    });
  });
  return errs;
}

/** goStrings prints a []string as Go's %#v does. */
function goStrings(list: readonly string[]): string {
  return `[]string{${list.map((s) => JSON.stringify(s)).join(', ')}}`;
}

/** invalidGo is field.Invalid of a value Go prints with %#v, given here already printed. */
function invalidGo(path: string, printed: string, detail: string): FieldError {
  return invalidValue(path, OMIT_VALUE, `${printed}: ${detail}`);
}

function validateResourceOverlap(resources: readonly string[], path: string): FieldError[] {
  if (resources.length < 2) return [];
  const grs = resources.map(parseGroupResource);
  let duplicate = false;
  let overlap = false;
  grs.forEach((r1, i) => grs.forEach((r2, j) => {
    if (i === j) return;
    const same = r1.group === r2.group && r1.resource === r2.resource;
    if (same && !duplicate) {
      duplicate = true;
      return;
    }
    if (overlap) return;
    if (r1.group === '*' && r1.resource === '*') overlap = true;
    else if (r1.group === r2.group && (r1.resource === '*' || r2.resource === '*')) overlap = true;
  }));
  const errs: FieldError[] = [];
  if (duplicate) errs.push(invalidGo(path, goStrings(resources), DUPLICATE));
  if (overlap) errs.push(invalidGo(path, goStrings(resources), OVERLAP));
  return errs;
}

function validateResourceNames(resources: readonly string[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  resources.forEach((res, j) => {
    const at = `${path}[${j}]`;
    const gr = parseGroupResource(res);
    let detail: string | undefined;
    if (res.toLowerCase() !== res) detail = CAPITALS;
    else if (res === '*') detail = STAR_RESOURCE;
    else if (res === 'apiserveripinfo' || res === 'serviceipallocations' || res === 'servicenodeportallocations') detail = NON_REST;
    else if (gr.group === 'events.k8s.io') detail = EVENTS_GROUP;
    else if (gr.group === 'extensions') detail = EXTENSIONS_GROUP;
    else if (gr.group === '*' && gr.resource !== '*') detail = ACROSS_GROUPS;
    if (detail) errs.push(invalidValue(at, res, detail));
  });
  return errs;
}

/** PROVIDER_FIELDS are ProviderConfiguration's fields in Go's order, with their types, for printing one as %#v. */
const PROVIDER_FIELDS = [
  ['AESGCM', 'aesgcm', 'AESConfiguration'], ['AESCBC', 'aescbc', 'AESConfiguration'], ['Secretbox', 'secretbox', 'SecretboxConfiguration'],
  ['Identity', 'identity', 'IdentityConfiguration'], ['KMS', 'kms', 'KMSConfiguration'],
] as const;

/** goProvider prints a provider as %#v does, each pointer nil or set (Go would print its address). */
function goProvider(p: ProviderConfiguration): string {
  const fields = PROVIDER_FIELDS.map(([go, json, type]) => `${go}:(*apiserver.${type})(${p[json] ? '…' : 'nil'})`);
  return `apiserver.ProviderConfiguration{${fields.join(', ')}}`;
}

function validateSingleProvider(provider: ProviderConfiguration, path: string): FieldError[] {
  const found = PROVIDER_FIELDS.filter(([, json]) => provider[json]).length;
  if (found === 0) return [invalidGo(path, goProvider(provider), NO_PROVIDER)];
  if (found > 1) return [invalidGo(path, goProvider(provider), MORE_THAN_ONE)];
  return [];
}

function validateKeys(keys: readonly Key[], path: string, sizes: readonly number[]): FieldError[] {
  if (keys.length === 0) return [required(path, 'at least one keys is required')];
  return keys.flatMap((key, i) => validateKey(key ?? { name: '', secret: '' }, `${path}[${i}]`, sizes));
}

function validateKey(key: Key, path: string, sizes: readonly number[]): FieldError[] {
  const errs: FieldError[] = [];
  if (!key.name) errs.push(required(`${path}.name`, 'name is a mandatory field for a key'));
  if (!key.secret) return [...errs, required(`${path}.secret`, 'secret is a mandatory field for a key')];
  const secret = decodeBase64(key.secret);
  if (!secret) return [...errs, invalidValue(`${path}.secret`, 'REDACTED', BASE64)];
  if (!sizes.includes(secret.length)) errs.push(invalidValue(`${path}.secret`, 'REDACTED', `secret is not of the expected length, got ${secret.length}, expected one of [${sizes.join(' ')}]`));
  return errs;
}

/** validationError is the configuration's errors as ErrorList.ToAggregate() prints them, or undefined when it is valid. */
export function validationError(c: EncryptionConfiguration): string | undefined {
  const errs = validateEncryptionConfiguration(c);
  return errs.length ? formatFieldErrors(errs) : undefined;
}
