/**
 * format is Kubernetes' CEL format library (k8s.io/apiserver/pkg/cel/library/format.go):
 * `format.<name>()` and `format.named(name)` give a Format whose
 * `validate(string)` is optional.none() when the string is valid, otherwise the
 * list of apimachinery's validation messages.
 */
import { Optional, type Environment } from '../celJs';
import { isDNS1123Label, isDNS1123Subdomain } from '../../apiserver/validation/names';

/** Format is a named string validator. */
export class Format {
  constructor(readonly name: string, readonly check: (s: string) => string[]) {}
}

/** FormatNamespace is the receiver of `format.<name>()`. */
class FormatNamespace {}

const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';
const LABEL_KEY = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';

/** regexError is apimachinery's RegexError. */
function regexError(msg: string, re: string, ...examples: string[]): string {
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join('or ')}regex used for validation is '${re}')`;
}

/** isDNS1035Label is validation.IsDNS1035Label. */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!new RegExp(`^${DNS1035_LABEL}$`).test(value)) {
    errs.push(regexError('a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character', DNS1035_LABEL, 'my-name', 'abc-123'));
  }
  return errs;
}

function isLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!new RegExp(`^(${LABEL_KEY})?$`).test(value)) {
    errs.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", `(${LABEL_KEY})?`, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

/** isQualifiedName is validation.IsQualifiedName: an optional DNS subdomain prefix and a name part. */
function isQualifiedName(value: string): string[] {
  const parts = value.split('/');
  const errs: string[] = [];
  let name = value;
  if (parts.length === 2) {
    const [prefix] = parts;
    name = parts[1];
    if (prefix === '') errs.push('prefix part must be non-empty');
    else errs.push(...isDNS1123Subdomain(prefix).map((e) => `prefix part ${e}`));
  } else if (parts.length > 2) {
    return [`a valid label key ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_KEY, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name === '') errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name !== '' && !new RegExp(`^${LABEL_KEY}$`).test(name)) {
    errs.push(`name part ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_KEY, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

/** asPrefix validates a generateName-style prefix: a trailing '-' is allowed (maskTrailingDash). */
const asPrefix = (check: (s: string) => string[]) => (s: string) => check(s.endsWith('-') ? `${s.slice(0, -1)}a` : s);

const FORMATS: Record<string, Format> = {
  dns1123Label: new Format('DNS1123Label', isDNS1123Label),
  dns1123Subdomain: new Format('DNS1123Subdomain', isDNS1123Subdomain),
  dns1035Label: new Format('DNS1035Label', isDNS1035Label),
  qualifiedName: new Format('QualifiedName', isQualifiedName),
  dns1123LabelPrefix: new Format('DNS1123LabelPrefix', asPrefix(isDNS1123Label)),
  dns1123SubdomainPrefix: new Format('DNS1123SubdomainPrefix', asPrefix(isDNS1123Subdomain)),
  dns1035LabelPrefix: new Format('DNS1035LabelPrefix', asPrefix(isDNS1035Label)),
  labelValue: new Format('LabelValue', isLabelValue),
  uri: new Format('URI', (s) => (/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s]*|\/[^\s]*)$/.test(s) ? [] : ['invalid URI'])),
  uuid: new Format('uuid', (s) => (/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s) ? [] : ['does not match the UUID format'])),
  byte: new Format('byte', (s) => (/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s) ? [] : ['invalid base64'])),
  date: new Format('date', (s) => (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)) ? [] : ['invalid date'])),
  datetime: new Format('datetime', (s) => (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)) ? [] : ['invalid datetime'])),
};

/** registerFormat adds the format library to env. */
export function registerFormat(env: Environment): void {
  env
    .registerType('kubernetes.NamedFormat', Format)
    .registerType('FormatNamespace', FormatNamespace)
    .registerConstant('format', 'FormatNamespace', new FormatNamespace())
    .registerFunction('FormatNamespace.named(string): optional<kubernetes.NamedFormat>', (_ns: FormatNamespace, name: string) => (name in FORMATS ? Optional.of(FORMATS[name]) : Optional.none()))
    .registerFunction('kubernetes.NamedFormat.validate(string): optional<list<string>>', (f: Format, s: string) => {
      const errs = f.check(s);
      return errs.length ? Optional.of(errs) : Optional.none();
    });
  for (const [name, f] of Object.entries(FORMATS)) env.registerFunction(`FormatNamespace.${name}(): kubernetes.NamedFormat`, () => f);
}
