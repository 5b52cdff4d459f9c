/**
 * names holds apimachinery's string validators (util/validation and
 * api/validate/content, release 1.36) with their upstream messages: DNS names,
 * config keys, environment variable names, C identifiers, HTTP header names and
 * path segments. Each returns the reasons a value is bad, empty when it is good.
 */
import { byteLength } from './fields';

/** maxLenError is util/validation's MaxLenError (names count characters). */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** regexError is util/validation's RegexError: the message, examples and the regex. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

export const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
export const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const labelRe = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const subdomainRe = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1123_LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

/** isDNS1123Label is IsDNS1123Label: namespace names, container names, port names of services. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!labelRe.test(value)) {
    // A valid subdomain that is not a valid label can only have failed on its dots.
    errs.push(subdomainRe.test(value) ? 'must not contain dots' : regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

/** isDNS1123Subdomain is IsDNS1123Subdomain: most object names. */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!subdomainRe.test(value)) errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

const CONFIG_KEY_FMT = '[-._a-zA-Z0-9]+';
const configKeyRe = new RegExp(`^${CONFIG_KEY_FMT}$`);

/** hasChDirPrefix rejects the path-like keys `.`, `..` and `..x`. */
function hasChDirPrefix(value: string): string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}

/** isConfigMapKey is IsConfigMapKey: keys of ConfigMap and Secret data. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!configKeyRe.test(value)) {
    errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", CONFIG_KEY_FMT, 'key.name', 'KEY_NAME', 'key-name'));
  }
  return [...errs, ...hasChDirPrefix(value)];
}

const ENV_VAR_FMT = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const envVarRe = new RegExp(`^${ENV_VAR_FMT}$`);

/** isEnvVarName is IsEnvVarName: container environment variable names and envFrom prefixes. */
export function isEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (!envVarRe.test(value)) {
    errs.push(regexError("a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit", ENV_VAR_FMT, 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1'));
  }
  return [...errs, ...hasChDirPrefix(value)];
}

const C_IDENTIFIER_FMT = '[A-Za-z_][A-Za-z0-9_]*';
const cIdentifierRe = new RegExp(`^${C_IDENTIFIER_FMT}$`);

/** isCIdentifier is IsCIdentifier. */
export function isCIdentifier(value: string): string[] {
  if (cIdentifierRe.test(value)) return [];
  return [regexError("a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'", C_IDENTIFIER_FMT, 'my_name', 'MY_NAME', 'MyName')];
}

const HTTP_HEADER_FMT = '[-A-Za-z0-9]+';
const httpHeaderRe = new RegExp(`^${HTTP_HEADER_FMT}$`);

/** isHTTPHeaderName is IsHTTPHeaderName: probe httpHeaders names. */
export function isHTTPHeaderName(value: string): string[] {
  if (httpHeaderRe.test(value)) return [];
  return [regexError("a valid HTTP header must consist of alphanumeric characters or '-'", HTTP_HEADER_FMT, 'X-Header-Name')];
}

/** isPathSegmentName is path.IsValidPathSegmentName: what every name must be to sit in a URL. */
export function isPathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const c of ['/', '%']) if (name.includes(c)) errs.push(`may not contain '${c}'`);
  return errs;
}
