/**
 * aes holds the aescbc and aesgcm providers' transformers, byte for byte as
 * upstream's storage/value/encrypt/aes: CBC stores a random 16-byte IV, then the
 * PKCS#7-padded ciphertext; GCM a random 12-byte nonce, then the ciphertext and
 * its 16-byte tag, authenticated with the value's key. The lab core has no
 * randomness of its own: the IVs and nonces come from randomBytes, which the
 * composition root draws from node:crypto.
 */
import { type CipherGCMTypes, createCipheriv, createDecipheriv } from 'node:crypto';
import type { FromStorage, Transformer } from './transformer';

/** RandomBytes returns n cryptographically random bytes. */
export type RandomBytes = (n: number) => Uint8Array;

const BLOCK_SIZE = 16;
const GCM_NONCE_SIZE = 12;
const GCM_TAG_SIZE = 16;

/** AES_KEY_SIZES are the key lengths crypto/aes accepts: AES-128, AES-192 and AES-256. */
export const AES_KEY_SIZES = [16, 24, 32] as const;

const SHORT = 'the stored data was shorter than the required size';

/** toBytes and fromBytes move between a stored value's one-character-per-byte text and its bytes. */
const toBytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const fromBytes = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

function cipherName(key: Uint8Array, mode: 'cbc' | 'gcm'): string {
  if (!(AES_KEY_SIZES as readonly number[]).includes(key.length)) throw new Error(`crypto/aes: invalid key size ${key.length}`);
  return `aes-${key.length * 8}-${mode}`;
}

/** cbcTransformer is NewCBCTransformer: AES-CBC with a random IV and PKCS#7 padding. */
export function cbcTransformer(key: Uint8Array, randomBytes: RandomBytes): Transformer {
  const algorithm = cipherName(key, 'cbc');
  return {
    toStorage(data) {
      const iv = randomBytes(BLOCK_SIZE);
      const plain = Buffer.from(data, 'utf8');
      const padding = BLOCK_SIZE - (plain.length % BLOCK_SIZE);
      const cipher = createCipheriv(algorithm, key, iv).setAutoPadding(false);
      const out = Buffer.concat([iv, cipher.update(Buffer.concat([plain, Buffer.alloc(padding, padding)])), cipher.final()]);
      return fromBytes(out);
    },
    fromStorage(stored): FromStorage {
      const bytes = toBytes(stored);
      if (bytes.length < BLOCK_SIZE) return { ok: false, error: SHORT };
      const body = bytes.subarray(BLOCK_SIZE);
      if (body.length % BLOCK_SIZE !== 0) return { ok: false, error: 'the stored data is not a multiple of the block size' };
      const decipher = createDecipheriv(algorithm, key, bytes.subarray(0, BLOCK_SIZE)).setAutoPadding(false);
      const plain = Buffer.concat([decipher.update(body), decipher.final()]);
      const padding = plain.length ? plain[plain.length - 1] : 0;
      if (padding === 0 || padding > plain.length) return { ok: false, error: 'invalid PKCS7 data (empty or not padded)' };
      for (let i = plain.length - padding; i < plain.length; i++) if (plain[i] !== padding) return { ok: false, error: 'invalid padding on input' };
      return { ok: true, data: plain.subarray(0, plain.length - padding).toString('utf8'), stale: false };
    },
  };
}

/** gcmTransformer is NewGCMTransformer: AES-GCM with a random 96-bit nonce, the value's key as additional data. */
export function gcmTransformer(key: Uint8Array, randomBytes: RandomBytes): Transformer {
  const algorithm = cipherName(key, 'gcm') as CipherGCMTypes;
  return {
    toStorage(data, context) {
      const nonce = randomBytes(GCM_NONCE_SIZE);
      const cipher = createCipheriv(algorithm, key, nonce, { authTagLength: GCM_TAG_SIZE });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const sealed = Buffer.concat([cipher.update(Buffer.from(data, 'utf8')), cipher.final()]);
      return fromBytes(Buffer.concat([nonce, sealed, cipher.getAuthTag()]));
    },
    fromStorage(stored, context): FromStorage {
      const bytes = toBytes(stored);
      if (bytes.length < GCM_NONCE_SIZE) return { ok: false, error: SHORT };
      // Go's AEAD.Open fails the same way for a value too short to hold a tag as for a forged one.
      if (bytes.length < GCM_NONCE_SIZE + GCM_TAG_SIZE) return { ok: false, error: 'cipher: message authentication failed' };
      const decipher = createDecipheriv(algorithm, key, bytes.subarray(0, GCM_NONCE_SIZE), { authTagLength: GCM_TAG_SIZE });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.length - GCM_TAG_SIZE));
      const body = decipher.update(bytes.subarray(GCM_NONCE_SIZE, bytes.length - GCM_TAG_SIZE));
      try {
        return { ok: true, data: Buffer.concat([body, decipher.final()]).toString('utf8'), stale: false };
      } catch {
        return { ok: false, error: 'cipher: message authentication failed' };
      }
    },
  };
}
