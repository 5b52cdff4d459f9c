import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom, uuid } from './random';

/** drawnUuid is the UUID as the 32 draws and the variant draw spell it, written out the plain way. */
function drawnUuid(random: SeededRandom): string {
  const hex = Array.from({ length: 32 }, () => random.int(16).toString(16));
  hex[12] = '4';
  hex[16] = (8 + random.int(4)).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

test('uuid is a version-4, variant-1 UUID spelled from the draws in order, and leaves the stream where 33 draws leave it', () => {
  for (let seed = 1; seed < 200; seed++) {
    const a = new SeededRandom(seed);
    const b = new SeededRandom(seed);
    for (let i = 0; i < 5; i++) {
      const u = uuid(a);
      assert.equal(u, drawnUuid(b));
      assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    assert.equal(a.float(), b.float());
  }
});
