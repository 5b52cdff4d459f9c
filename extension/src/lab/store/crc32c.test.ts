import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32c } from './crc32c';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

test('crc32c gives the Castagnoli check values (RFC 3720 and the CRC catalogue)', () => {
  const cases: [string, Uint8Array, number][] = [
    ['empty', new Uint8Array(0), 0],
    ['"123456789"', bytes('123456789'), 0xe3069283],
    ['32 zero bytes', new Uint8Array(32), 0x8a9136aa],
    ['32 bytes of 0xff', new Uint8Array(32).fill(0xff), 0x62a8ab43],
    ['0 to 31', Uint8Array.from({ length: 32 }, (_, i) => i), 0x46dd794e],
  ];
  for (const [name, input, want] of cases) assert.equal(crc32c(input), want, name);
});

test('crc32c continues from an earlier result, so pieces hash as the whole', () => {
  const whole = bytes('KUBELAB-SNAPSHOT 1\n{"revision":1,"kvs":[\n]}\n');
  assert.equal(crc32c(whole.subarray(7), crc32c(whole.subarray(0, 7))), crc32c(whole));
});
