/**
 * duplicateKeys finds the object keys a JSON text repeats, which JSON.parse silently
 * collapses but sigs.k8s.io/json's strict decoding reports (`duplicate field
 * "spec.paused"`). Each repeat is recorded under its object's path, with how many distinct
 * keys the object had shown before it, so the decoder can report it in document order.
 */

/** DuplicateKey is one repeat of key, after `after` distinct keys of its object. */
export interface DuplicateKey {
  key: string;
  after: number;
}

/** DuplicateKeys maps an object's path (`spec.template.spec.containers[0]`, '' for the root) to its repeats. */
export type DuplicateKeys = Map<string, DuplicateKey[]>;

interface Container {
  path: string;
  /** keys is set for objects; arrays count their items instead. */
  keys: Set<string> | undefined;
  index: number;
  /** key is the object key whose value comes next. */
  key: string;
}

/** findDuplicateKeys scans text, which must be valid JSON, without recursion; undefined when no key repeats. */
export function findDuplicateKeys(text: string): DuplicateKeys | undefined {
  let found: DuplicateKeys | undefined;
  const stack: Container[] = [];
  let expectKey = false;
  const childPath = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    if (!top.keys) return `${top.path}[${top.index}]`;
    return top.path ? `${top.path}.${top.key}` : top.key;
  };
  for (let i = 0; i < text.length; i++) {
    switch (text.charCodeAt(i)) {
      case 0x7b: // {
        stack.push({ path: childPath(), keys: new Set(), index: 0, key: '' });
        expectKey = true;
        break;
      case 0x5b: // [
        stack.push({ path: childPath(), keys: undefined, index: 0, key: '' });
        break;
      case 0x7d: // }
      case 0x5d: // ]
        stack.pop();
        expectKey = false;
        break;
      case 0x2c: { // ,
        const top = stack[stack.length - 1];
        if (top.keys) expectKey = true;
        else top.index++;
        break;
      }
      case 0x22: { // "
        let end = i + 1;
        let escaped = false;
        for (; ; end++) {
          const c = text.charCodeAt(end);
          if (c === 0x5c) { escaped = true; end++; continue; }
          if (c === 0x22) break;
        }
        if (expectKey) {
          const raw = text.slice(i + 1, end);
          const key = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
          const top = stack[stack.length - 1];
          const keys = top.keys as Set<string>;
          if (keys.has(key)) {
            found ??= new Map();
            let list = found.get(top.path);
            if (!list) found.set(top.path, (list = []));
            list.push({ key, after: keys.size });
          } else {
            keys.add(key);
          }
          top.key = key;
          expectKey = false;
        }
        i = end;
        break;
      }
      default:
        break;
    }
  }
  return found;
}
