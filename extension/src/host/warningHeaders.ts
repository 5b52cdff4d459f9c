/**
 * warningHeaders reads `Warning` response headers (RFC 7234 §5.5) as
 * apimachinery's ParseWarningHeaders does for client-go: each header holds one
 * or more comma-separated `code agent "text" ["date"]` values; a malformed
 * value ends its header, and the values before it are kept.
 */

/** WarningHeader is one parsed warning value. */
export interface WarningHeader {
  code: number;
  agent: string;
  text: string;
}

/** parseWarningHeaders parses every header value in order, skipping the rest of a header at its first malformed value. */
export function parseWarningHeaders(headers: readonly string[]): WarningHeader[] {
  const out: WarningHeader[] = [];
  for (let header of headers) {
    while (header.length > 0) {
      const parsed = parseWarningHeader(header);
      if ('error' in parsed) break;
      out.push(parsed.warning);
      header = parsed.remainder;
    }
  }
  return out;
}

/** parseWarningHeader parses the first warning value of header and returns what follows its comma. */
export function parseWarningHeader(header: string): { warning: WarningHeader; remainder: string } | { error: string } {
  const trimmed = header.trim();
  const first = trimmed.indexOf(' ');
  const second = first < 0 ? -1 : trimmed.indexOf(' ', first + 1);
  if (second < 0) return { error: 'invalid warning header: fewer than 3 segments' };
  const code = trimmed.slice(0, first);
  const agent = trimmed.slice(first + 1, second);
  const rest = trimmed.slice(second + 1);
  if (!/^[0-9]{3}$/.test(code)) return { error: 'invalid warning header: code segment is not 3 digits between 100-299' };
  if (!agent) return { error: 'invalid warning header: empty agent segment' };
  if (/\p{Cc}/u.test(agent)) return { error: 'invalid warning header: invalid agent' };
  if (!rest) return { error: 'invalid warning header: empty text segment' };
  const quoted = parseQuotedString(rest);
  if ('error' in quoted) return { error: `invalid warning header: ${quoted.error}` };
  let remainder = '';
  const after = quoted.remainder;
  if (after.length > 0) {
    if (after[0] === '"') {
      // A warn-date: skipped up to its closing quote.
      const end = after.indexOf('"', 1);
      if (end < 0) return { error: 'invalid warning header: unterminated date segment' };
      remainder = after.slice(end + 1).trim();
    } else {
      remainder = after;
    }
  }
  if (remainder.length > 0) {
    if (remainder[0] !== ',') return { error: 'invalid warning header: unexpected token after warn-date' };
    remainder = remainder.slice(1).trim();
  }
  return { warning: { code: Number(code), agent, text: quoted.text }, remainder };
}

/** parseQuotedString reads a quoted-string with backslash escapes and returns what follows its closing quote. */
function parseQuotedString(s: string): { text: string; remainder: string } | { error: string } {
  if (s[0] !== '"') return { error: 'invalid quoted string: missing initial quote' };
  let text = '';
  let escaping = false;
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (c === '"' && !escaping) return { text, remainder: s.slice(i + 1).trim() };
    if (c === '\\' && !escaping) {
      escaping = true;
      continue;
    }
    text += c;
    escaping = false;
  }
  return { error: 'invalid quoted string: missing closing quote' };
}
