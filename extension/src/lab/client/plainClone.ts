/**
 * plainClone is structuredClone for request bodies, several times faster on
 * what they are made of: plain objects, arrays and primitives. Anything it
 * cannot copy exactly as structuredClone would — another prototype (Date, Map,
 * a class instance, a typed array), a `__proto__` key, a hole in an array that
 * holds more than strings and numbers, a symbol or function (which
 * structuredClone refuses), nesting deeper than
 * PLAIN_CLONE_DEPTH (or a cycle) — sends the whole value to structuredClone.
 * One difference is kept on purpose: an object reached twice is copied twice,
 * where structuredClone would keep one copy (no request body shares objects).
 */

/** PLAIN_CLONE_DEPTH is as deep as plainClone walks before leaving the value to structuredClone. */
export const PLAIN_CLONE_DEPTH = 100;

const NOT_PLAIN = Symbol('not plain');

/** plainClone copies value as structuredClone does, quickly when it is plain data. */
export function plainClone<T>(value: T): T {
  const out = copy(value, 0);
  return out === NOT_PLAIN ? structuredClone(value) : (out as T);
}

/** isFlat tells a string or number; arrays check it through every(), which reads any kind of array quickly. */
function isFlat(x: unknown): boolean {
  return typeof x === 'string' || typeof x === 'number';
}

function copy(v: unknown, depth: number): unknown {
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return v;
    case 'object': {
      if (v === null) return v;
      if (depth >= PLAIN_CLONE_DEPTH) return NOT_PLAIN;
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto === Array.prototype) {
        const src = v as unknown[];
        // A list of strings and numbers (names, scores: most of a large body) is copied whole.
        if (src.every(isFlat)) return src.slice();
        const arr = new Array<unknown>(src.length);
        for (let i = 0; i < src.length; i++) {
          const item = src[i];
          if (item === undefined && !(i in src)) return NOT_PLAIN;
          const x = copy(item, depth + 1);
          if (x === NOT_PLAIN) return NOT_PLAIN;
          arr[i] = x;
        }
        return arr;
      }
      if (proto !== Object.prototype) return NOT_PLAIN;
      const src = v as Record<string, unknown>;
      const obj: Record<string, unknown> = {};
      const keys = Object.keys(src);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i];
        if (k === '__proto__') return NOT_PLAIN;
        const x = copy(src[k], depth + 1);
        if (x === NOT_PLAIN) return NOT_PLAIN;
        obj[k] = x;
      }
      return obj;
    }
    default:
      return NOT_PLAIN;
  }
}
