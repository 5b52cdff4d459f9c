/**
 * transformer is the API server's value transformer between its storage and the
 * store, as upstream's storage/value package: a value goes to storage through
 * the first of a resource's providers and comes back through whichever
 * provider's prefix it carries (`k8s:enc:aescbc:v1:key1:`), identity standing
 * for plaintext with no prefix at all.
 *
 * A stored value is a string holding the bytes upstream would store: plaintext
 * is the object's JSON text as it is; an encrypted value is its ASCII prefix
 * followed by the ciphertext, one character per byte (latin1), so a value's
 * length is its size in bytes and the store never sees the plaintext.
 */

/** ENCRYPTED_PREFIX starts every value an encrypting provider wrote (identity refuses to read one). */
export const ENCRYPTED_PREFIX = 'k8s:enc:';

/** FromStorage is a stored value read back: its plaintext and whether it should be rewritten (stale), or why it could not be read. */
export type FromStorage = { ok: true; data: string; stale: boolean } | { ok: false; error: string };

/**
 * Transformer turns a value into its stored form and back. context is the
 * value's key, which authenticated encryption binds the ciphertext to, so a
 * value copied under another key does not decrypt.
 */
export interface Transformer {
  toStorage(data: string, context: string): string;
  fromStorage(data: string, context: string): FromStorage;
}

/** PrefixTransformer is a transformer and the prefix its values are stored under. */
export interface PrefixTransformer {
  prefix: string;
  transformer: Transformer;
}

/** TransformationRecorder counts each transformation, as apiserver_storage_transformation_operations_total. */
export type TransformationRecorder = (type: 'to_storage' | 'from_storage', prefix: string, status: string) => void;

/** STATUS_OK and STATUS_FAILED are the status labels upstream's getErrorCode gives a success and an in-process failure. */
export const STATUS_OK = 'OK';
export const STATUS_FAILED = 'unknown-non-grpc';

/**
 * prefixTransformers is value.NewPrefixTransformers: the first transformer
 * writes; a read goes to the first whose prefix the value starts with, and is
 * stale unless that is the first. A failure of one match does not end the
 * search, since providers of one type share a prefix (the old and new keys of a
 * rotation); an empty prefix (identity) that fails is passed over silently.
 * noMatch is the error when nothing matched.
 */
export function prefixTransformers(noMatch: string, transformers: readonly PrefixTransformer[], record?: TransformationRecorder): Transformer {
  return {
    toStorage(data, context) {
      const first = transformers[0];
      const out = first.prefix + first.transformer.toStorage(data, context);
      record?.('to_storage', first.prefix, STATUS_OK);
      return out;
    },
    fromStorage(data, context) {
      const errors: string[] = [];
      for (let i = 0; i < transformers.length; i++) {
        const { prefix, transformer } = transformers[i];
        if (!data.startsWith(prefix)) continue;
        const result = transformer.fromStorage(data.slice(prefix.length), context);
        if (prefix === '' && !result.ok) continue;
        record?.('from_storage', prefix === '' ? 'identity' : prefix, result.ok ? STATUS_OK : STATUS_FAILED);
        if (!result.ok) {
          errors.push(result.error);
          continue;
        }
        return { ok: true, data: result.data, stale: result.stale || i !== 0 };
      }
      if (errors.length) return { ok: false, error: aggregate(errors) };
      record?.('from_storage', 'unknown', STATUS_FAILED);
      return { ok: false, error: noMatch };
    },
  };
}

/** aggregate is utilerrors.Reduce(NewAggregate(errs)).Error(): one error bare, several in brackets. */
function aggregate(errors: readonly string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

/** identity is identity.NewEncryptCheckTransformer: plaintext as it is, refusing to read a value some provider encrypted. */
export const identity: Transformer = {
  toStorage: (data) => data,
  fromStorage: (data) => (data.startsWith(ENCRYPTED_PREFIX) ? { ok: false, error: 'identity transformer tried to read encrypted data' } : { ok: true, data, stale: false }),
};

/** ResourceTransformers chooses a resource's transformer, as upstream's StaticTransformers.TransformerForResource. */
export interface ResourceTransformers {
  transformerFor(group: string, resource: string): Transformer;
}

/** TransformError is a stored value the API server could not transform: upstream's storage internal error, a 500 and not a bug. */
export class TransformError extends Error {}

/** fromStorageOrThrow reads a stored value at key, or throws the storage layer's `unable to transform key` error. */
export function fromStorageOrThrow(transformer: Transformer, key: string, value: string): FromStorage & { ok: true } {
  const result = transformer.fromStorage(value, key);
  if (!result.ok) throw new TransformError(`unable to transform key ${JSON.stringify(key)}: ${result.error}`);
  return result;
}
