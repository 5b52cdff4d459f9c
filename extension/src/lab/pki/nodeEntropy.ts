/**
 * nodeEntropy is the Entropy the composition root hands to certificate issuance:
 * keys from node:crypto's generator (native, so a 2048-bit RSA key takes
 * milliseconds where a pure-JavaScript one takes seconds) and its random bytes.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Entropy } from './certificates';

/** nodeEntropy draws keys and random bytes from node:crypto. */
export function nodeEntropy(): Entropy {
  return {
    rsaKeyPair: () => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      });
      return { privateKeyPem: privateKey, publicKeyPem: publicKey };
    },
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
  };
}
