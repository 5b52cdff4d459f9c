/**
 * strings adds what cel-go's strings extension (ext.Strings, which Kubernetes
 * enables) has beyond the base library already in cel-js: charAt, replace,
 * reverse, format and strings.quote. lowerAscii, upperAscii, indexOf,
 * lastIndexOf, split, substring, trim and join come with cel-js.
 */
import type { Environment } from '../celJs';

/** StringsNamespace is the receiver of `strings.quote(...)`. */
class StringsNamespace {}

function charAt(s: string, i: bigint): string {
  const chars = [...s];
  if (i < 0n || i > BigInt(chars.length)) throw new Error(`index out of range: ${i}`);
  return chars[Number(i)] ?? '';
}

function replace(s: string, from: string, to: string, n: bigint): string {
  if (n < 0n) return s.split(from).join(to);
  let out = s;
  let at = 0;
  for (let done = 0n; done < n; done++) {
    const i = out.indexOf(from, at);
    if (i < 0) break;
    out = out.slice(0, i) + to + out.slice(i + from.length);
    at = i + to.length + (from === '' ? 1 : 0);
  }
  return out;
}

/** formatValue renders one argument of string.format for a verb, as ext.Strings' formatter does. */
function formatValue(verb: string, precision: number | undefined, v: unknown): string {
  switch (verb) {
    case 's':
      return stringOf(v);
    case 'd':
      {
        const n: unknown = typeof v === 'object' && v !== null ? v.valueOf() : v;
        if (typeof n !== 'bigint') throw new Error(`error during formatting: decimal clause can only be used on integers, was given ${typeName(v)}`);
        return n.toString();
      }
    case 'f':
    case 'e': {
      const n = Number(typeof v === 'object' && v !== null ? v.valueOf() : v);
      return verb === 'f' ? n.toFixed(precision ?? 6) : n.toExponential(precision ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
    }
    case 'b':
      return typeof v === 'boolean' ? String(v) : BigInt(Number(v)).toString(2);
    case 'o':
      return BigInt(v as bigint).toString(8);
    case 'x':
    case 'X': {
      const hex = typeof v === 'string' ? Buffer.from(v).toString('hex') : BigInt(v as bigint).toString(16);
      return verb === 'X' ? hex.toUpperCase() : hex;
    }
    default:
      throw new Error(`could not parse formatting clause: unrecognized formatting clause "${verb}"`);
  }
}

function typeName(v: unknown): string {
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'list';
  return 'map';
}

function stringOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(stringOf).join(', ')}]`;
  if (v === null) return 'null';
  if (typeof v === 'object' && !(v instanceof Date)) {
    if (v instanceof Map) return `{${[...v].map(([k, x]) => `${stringOf(k)}: ${stringOf(x)}`).join(', ')}}`;
    if (Object.getPrototypeOf(v) === Object.prototype) return `{${Object.entries(v).map(([k, x]) => `${k}: ${stringOf(x)}`).join(', ')}}`;
  }
  if (v instanceof Date) return v.toISOString().replace('.000Z', 'Z');
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? '';
}

function format(template: string, args: readonly unknown[]): string {
  let next = 0;
  return template.replace(/%(?:\.(\d+))?([a-zA-Z%])/g, (_m, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (next >= args.length) throw new Error(`index ${next} out of range`);
    return formatValue(verb, precision === undefined ? undefined : Number(precision), args[next++]);
  });
}

function quote(s: string): string {
  return JSON.stringify(s);
}

/** registerStrings adds the string functions cel-js lacks to env. */
export function registerStrings(env: Environment): void {
  env
    .registerType('StringsNamespace', StringsNamespace)
    .registerConstant('strings', 'StringsNamespace', new StringsNamespace())
    .registerFunction('StringsNamespace.quote(string): string', (_ns: StringsNamespace, s: string) => quote(s))
    .registerFunction('string.charAt(int): string', (s: string, i: bigint) => charAt(s, i))
    .registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => replace(s, a, b, -1n))
    .registerFunction('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) => replace(s, a, b, n))
    .registerFunction('string.reverse(): string', (s: string) => [...s].reverse().join(''))
    .registerFunction('string.format(list): string', (s: string, args: unknown[]) => format(s, args));
}
