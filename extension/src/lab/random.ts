/**
 * Random is the lab's only source of chance, seeded by the composition root so a
 * run can be replayed: same seed, same pod names, same tie-breaks.
 */
export interface Random {
  /** float returns a number in [0, 1). */
  float(): number;
  /** int returns an integer in [0, n). */
  int(n: number): number;
}

/** SeededRandom is mulberry32: small, fast and good enough for simulation. */
export class SeededRandom implements Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  float(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.float() * n);
  }
}

/** Alphabet of apimachinery's rand.String: no vowels, no confusable characters. */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** randomString is apimachinery's rand.String(n), as used for generateName suffixes. */
export function randomString(random: Random, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += NAME_ALPHABET[random.int(NAME_ALPHABET.length)];
  return out;
}

/** safeEncodeString is apimachinery's rand.SafeEncodeString: maps each byte into the name alphabet. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += NAME_ALPHABET[s.charCodeAt(i) % NAME_ALPHABET.length];
  return out;
}

const HEX = '0123456789abcdef';

/** uuid returns a version-4 UUID drawn from random: 32 hex digits drawn in order, digit 12 then set to the version and digit 16 redrawn as the variant. */
export function uuid(random: Random): string {
  let head = '';
  for (let i = 0; i < 16; i++) {
    const d = HEX[random.int(16)];
    head += i === 12 ? '4' : d;
  }
  // Digit 16 is drawn like the others, then replaced by the variant drawn after all 32.
  random.int(16);
  let tail = '';
  for (let i = 17; i < 32; i++) tail += HEX[random.int(16)];
  const variant = HEX[8 + random.int(4)];
  return `${head.slice(0, 8)}-${head.slice(8, 12)}-${head.slice(12, 16)}-${variant}${tail.slice(0, 3)}-${tail.slice(3)}`;
}

/** hexString returns n random lowercase hex digits (container IDs, event name suffixes). */
export function hexString(random: Random, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += random.int(16).toString(16);
  return out;
}
