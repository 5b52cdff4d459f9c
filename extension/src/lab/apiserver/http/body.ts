/**
 * body reads and decodes request bodies as apiserver's handlers do: at most
 * MaxRequestBodyBytes are read (limitedReadBody; past that the request is a 413
 * and the rest is never buffered), and the Content-Type picks the decoder — JSON
 * when absent, YAML for application/yaml, protobuf as typed clients send it. A
 * body that does not decode is the 400 of transformDecodeError
 * (endpoints/handlers/rest.go). PATCH bodies go to the API server undecoded:
 * each patch type decodes its own.
 */
import type { IncomingMessage } from 'node:http';
import { parseAllDocuments } from 'yaml';
import type { Status } from '../../api/types';
import { badRequest, requestEntityTooLarge } from '../errors';
import { goJsonSyntaxError } from '../patch/goJson';
import { decodeProtobuf } from './protobuf/decode';

/** PROTOBUF is the media type of Kubernetes' protobuf encoding, which kubectl's typed clients send. */
export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** RawBody is what readBody got: the bytes, or that there were too many. */
export type RawBody = { bytes: Buffer } | { tooLarge: Status };

/** readBody reads req's body up to limit bytes; past the limit it pauses the request and drops what it had. */
export function readBody(req: IncomingMessage, limit: number): Promise<RawBody> {
  return new Promise((resolve, reject) => {
    const tooLarge = (): void => {
      req.removeAllListeners('data');
      req.pause();
      resolve({ tooLarge: requestEntityTooLarge(limit) });
    };
    if (Number(req.headers['content-length'] ?? 0) > limit) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return tooLarge();
      chunks.push(chunk);
    });
    req.on('end', () => resolve({ bytes: Buffer.concat(chunks) }));
    req.on('error', reject);
  });
}

/** DecodedBody is the body as the API server takes it, or why it could not be decoded. */
export type DecodedBody =
  | { body: unknown }
  /** decodeError is the decoder's own message, which the caller frames with the endpoint's kind. */
  | { decodeError: string }
  | { unsupported: Status };

/** The media types a create, update or delete body may be in, in upstream's order. */
export const BODY_MEDIA_TYPES = ['application/json', 'application/yaml', PROTOBUF] as const;

/** mediaTypeOf is the Content-Type without parameters, lower-case; empty when absent. */
function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * decodeBody decodes a non-PATCH body by its Content-Type. An empty body is no
 * body where one is optional (delete options); where an object is required, an
 * empty JSON body fails as encoding/json fails on it.
 */
export function decodeBody(bytes: Buffer, contentType: string | undefined, required: boolean): DecodedBody {
  const mediaType = mediaTypeOf(contentType) || 'application/json';
  if (!bytes.length && !(required && mediaType === 'application/json')) return { body: undefined };
  const text = bytes.toString('utf8');
  if (mediaType === 'application/json') {
    try {
      return { body: JSON.parse(text) as unknown };
    } catch {
      return { decodeError: `couldn't get version/kind; json parse error: ${goJsonSyntaxError(text) ?? 'invalid JSON'}` };
    }
  }
  if (mediaType === 'application/yaml') return decodeYaml(text);
  if (mediaType === PROTOBUF) {
    const decoded = decodeProtobuf(bytes);
    return 'error' in decoded ? { decodeError: decoded.error } : { body: decoded.object };
  }
  return { unsupported: unsupportedMediaType() };
}

/** STRING_TAGS are the YAML types sigs.k8s.io/yaml leaves as the strings they were written as. */
const STRING_TAGS = new Set(['tag:yaml.org,2002:timestamp', 'tag:yaml.org,2002:binary']);

/** decodeYaml is sigs.k8s.io/yaml's YAMLToJSON (YAML 1.1, first document; timestamps stay strings). */
function decodeYaml(text: string): DecodedBody {
  const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: false, customTags: (tags) => tags.filter((t) => typeof t !== 'object' || !STRING_TAGS.has(t.tag)) });
  const doc = Array.isArray(docs) ? docs[0] : docs;
  const err = doc?.errors[0];
  if (err) {
    const line = err.linePos?.[0].line ?? 1;
    const what = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    return { decodeError: `error converting YAML to JSON: yaml: line ${line}: ${what}` };
  }
  return { body: doc ? (doc.toJS() as unknown) : undefined };
}

/** unsupportedMediaType is NewUnsupportedMediaTypeError over the types the lab decodes (415). */
export function unsupportedMediaType(): Status {
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: `the body of the request was in an unknown format - accepted media types include: ${BODY_MEDIA_TYPES.join(', ')}`, reason: 'UnsupportedMediaType', code: 415,
  };
}

/**
 * decodeFailure is the answer to a body that did not decode: for create and
 * update, transformDecodeError's 400 naming the endpoint's kind and a summary of
 * the body; for delete options, the bare error as a 500, as upstream's delete
 * handler passes it through unconverted.
 */
export function decodeFailure(verb: 'create' | 'update' | 'delete', kind: string, decodeError: string, bytes: Buffer): Status {
  if (verb === 'delete') return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: decodeError, code: 500 };
  return badRequest(`the object provided is unrecognized (must be of type ${kind}): ${decodeError} (${summarizeData(bytes, 30)})`);
}

/** summarizeData is rest.go's: a body starting `{` as text, anything else as hex, cut at maxLength bytes. */
export function summarizeData(data: Buffer, maxLength: number): string {
  if (!data.length) return '<empty>';
  const head = data.subarray(0, maxLength);
  const more = data.length > maxLength ? ' ...' : '';
  return data[0] === 0x7b ? `${head.toString('utf8')}${more}` : `${head.toString('hex')}${more}`;
}
