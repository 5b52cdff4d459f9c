/**
 * goJson decodes a request body and, when it is not JSON, says why in
 * encoding/json's words (`invalid character 'x' looking for beginning of value`,
 * `unexpected end of JSON input`), which upstream's patch handler returns verbatim.
 * JSON.parse does the decoding; the scanner below only runs on the error path.
 */

/** parseGoJson parses text, or returns encoding/json's syntax error message. */
export function parseGoJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { error: goJsonSyntaxError(text) ?? 'invalid JSON' };
  }
}

/** quoteChar is encoding/json's quoteChar. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return '\'"\'';
  const q = JSON.stringify(c);
  return `'${q.slice(1, -1)}'`;
}

class SyntaxErr extends Error {}

const EOF = 'unexpected end of JSON input';

/** goJsonSyntaxError replays encoding/json's scanner over text and returns its first error. */
export function goJsonSyntaxError(text: string): string | undefined {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxErr(i >= text.length ? EOF : `invalid character ${quoteChar(text[i])} ${what}`);
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const literal = (word: string): void => {
    for (let k = 1; k < word.length; k++) {
      i++;
      if (text[i] !== word[k]) fail(`in literal ${word} (expecting ${quoteChar(word[k])})`);
    }
    i++;
  };
  const string = (): void => {
    i++;
    for (;;) {
      if (i >= text.length) fail('');
      const c = text[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        i++;
        if (i >= text.length) fail('');
        if (text[i] === 'u') {
          for (let k = 0; k < 4; k++) {
            i++;
            if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail('in \\u hexadecimal character escape');
          }
        } else if (!'"\\/bfnrt'.includes(text[i])) fail('in string escape code');
      } else if (c < ' ') fail('in string literal');
      i++;
    }
  };
  const digits = (): void => {
    while (i < text.length && text[i] >= '0' && text[i] <= '9') i++;
  };
  const number = (): void => {
    if (text[i] === '-') {
      i++;
      if (!(text[i] >= '0' && text[i] <= '9')) fail('in numeric literal');
    }
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      if (!(text[i] >= '0' && text[i] <= '9')) fail('after decimal point in numeric literal');
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!(text[i] >= '0' && text[i] <= '9')) fail('in exponent of numeric literal');
      digits();
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('looking for beginning of object key string');
        string();
        ws();
        if (text[i] !== ':') fail('after object key');
        i++;
        value();
        ws();
        if (text[i] === '}') {
          i++;
          return;
        }
        if (text[i] !== ',') fail('after object key:value pair');
        i++;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ']') {
          i++;
          return;
        }
        if (text[i] !== ',') fail('after array element');
        i++;
      }
    }
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    fail('looking for beginning of value');
  };
  try {
    value();
    ws();
    if (i < text.length) fail('after top-level value');
    return undefined;
  } catch (err) {
    if (err instanceof SyntaxErr) return err.message;
    throw err;
  }
}
