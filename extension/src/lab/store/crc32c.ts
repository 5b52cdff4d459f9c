/**
 * crc32c is CRC-32 with the Castagnoli polynomial, the checksum etcd's
 * `snapshot status` reports as a snapshot's hash (Go's crc32.Castagnoli).
 */

/** CASTAGNOLI is the polynomial in reversed bit order, as Go's crc32.Castagnoli. */
const CASTAGNOLI = 0x82f63b78;

const TABLE = ((): Uint32Array => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CASTAGNOLI : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** crc32c is the checksum of bytes, continuing from crc (0 to start) so a long input can be hashed in pieces. */
export function crc32c(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
