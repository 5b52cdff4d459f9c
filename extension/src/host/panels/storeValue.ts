/**
 * storeValue shows a stored value the way the API server stored it: the
 * object's JSON as YAML (fields in kubectl's order, then by name); a value encrypted at rest (`k8s:enc:aescbc:v1:key1:`
 * and its ciphertext) as what it is, its provider, key and a hex dump of its
 * first bytes, never decrypted; anything else as text. No `vscode` here.
 */
import { stringify } from 'yaml';
import { ENCRYPTED_PREFIX } from '../../lab/apiserver/encryption/transformer';
import type { StoreValueView } from '../../../../webview/src/shared/protocol';

/** HEX_DUMP_BYTES is how much of a ciphertext the dump shows: enough to see it is noise. */
const HEX_DUMP_BYTES = 64;

const ENCRYPTED = /^k8s:enc:([^:]+):v\d+:([^:]*):/;

/** storedValue is the view of one stored value; a tombstone (deleted) has none. */
export function storedValue(value: string, deleted = false): StoreValueView {
  if (deleted) return { format: 'deleted', text: '', bytes: 0 };
  if (value.startsWith(ENCRYPTED_PREFIX)) {
    // An encrypted value holds one byte a character (latin1): its length is its size.
    const m = ENCRYPTED.exec(value);
    const header = m ? m[0] : ENCRYPTED_PREFIX;
    return {
      format: 'encrypted',
      text: hexDump(Buffer.from(value.slice(header.length, header.length + HEX_DUMP_BYTES), 'latin1'), header.length),
      encryption: { provider: m?.[1] ?? 'unknown', key: m?.[2] ?? '' },
      bytes: value.length,
    };
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { format: 'text', text: value, bytes };
  }
  if (typeof parsed !== 'object' || parsed === null) return { format: 'text', text: value, bytes };
  return { format: 'yaml', text: stringify(parsed, { lineWidth: 0, sortMapEntries: byField }), bytes };
}

/** FIRST are the fields kubectl shows first, in its order; the rest follow by name, so a patch that reorders the JSON diffs as nothing. */
const FIRST = ['apiVersion', 'kind', 'metadata', 'spec', 'status'];

function byField(a: { key: unknown }, b: { key: unknown }): number {
  const x = String(a.key);
  const y = String(b.key);
  const rx = FIRST.indexOf(x) >>> 0;
  const ry = FIRST.indexOf(y) >>> 0;
  if (rx !== ry) return rx < ry ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** hexDump is `hexdump -C` of bytes, offsets counted from start. */
export function hexDump(bytes: Uint8Array, start = 0): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = bytes.subarray(i, i + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ');
    const right = hex.slice(8).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${(start + i).toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`);
  }
  return lines.join('\n');
}
