/**
 * secretbox is the secretbox provider's transformer, as upstream's
 * storage/value/encrypt/secretbox: NaCl's XSalsa20-Poly1305 (tweetnacl, since
 * node:crypto has no XSalsa20) with a 32-byte key; a stored value is a random
 * 24-byte nonce, then the sealed data. The nonce comes from randomBytes, drawn
 * from node:crypto by the composition root.
 */
import nacl from 'tweetnacl';
import type { RandomBytes } from './aes';
import type { FromStorage, Transformer } from './transformer';

const NONCE_SIZE = nacl.secretbox.nonceLength;
const OVERHEAD = nacl.secretbox.overheadLength;

/** SECRETBOX_KEY_SIZE is the one key length secretbox takes. */
export const SECRETBOX_KEY_SIZE = nacl.secretbox.keyLength;

const toBytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const fromBytes = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

/** secretboxTransformer is NewSecretboxTransformer. */
export function secretboxTransformer(key: Uint8Array, randomBytes: RandomBytes): Transformer {
  if (key.length !== SECRETBOX_KEY_SIZE) throw new Error(`expected key size ${SECRETBOX_KEY_SIZE} for secretbox provider, got ${key.length}`);
  return {
    toStorage(data) {
      const nonce = randomBytes(NONCE_SIZE);
      const sealed = nacl.secretbox(new Uint8Array(Buffer.from(data, 'utf8')), nonce, key);
      const out = new Uint8Array(NONCE_SIZE + sealed.length);
      out.set(nonce, 0);
      out.set(sealed, NONCE_SIZE);
      return fromBytes(out);
    },
    fromStorage(stored): FromStorage {
      const bytes = toBytes(stored);
      if (bytes.length < OVERHEAD + NONCE_SIZE) return { ok: false, error: 'the stored data was shorter than the required size' };
      const opened = nacl.secretbox.open(bytes.subarray(NONCE_SIZE), bytes.subarray(0, NONCE_SIZE), key);
      // Upstream's words for a value that does not open (a wrong key, tampering).
      if (!opened) return { ok: false, error: 'output array was not large enough for encryption' };
      return { ok: true, data: Buffer.from(opened).toString('utf8'), stale: false };
    },
  };
}
