/**
 * checkBody is what kube-apiserver refuses of a request body before decoding it:
 * its size and its nesting.
 */
import type { Status } from '../api/types';
import { badRequest, requestEntityTooLarge } from './errors';

/** MAX_REQUEST_BODY_BYTES is the apiserver's limit on a request body (3 MiB). */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

/** Upstream's JSON decoder (sigs.k8s.io/json, via encoding/json) stops at 10000 levels of nesting. */
export const MAX_JSON_DEPTH = 10000;

/**
 * checkBody refuses what upstream refuses before decoding: bodies over 3 MiB
 * (413) and JSON nested deeper than the decoder allows (400). It walks the body
 * iteratively so absurd nesting cannot overflow the stack.
 */
export function checkBody(body: unknown): Status | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body.length > MAX_REQUEST_BODY_BYTES ? requestEntityTooLarge(MAX_REQUEST_BODY_BYTES) : undefined;
  if (typeof body !== 'object') return undefined;
  let bytes = 0;
  // Every write walks its whole body, so the walk avoids garbage: values and depths on two stacks rather than a
  // stack of pairs, and a container's last children that are not containers are counted at once, in the order the
  // stack would have given them (last first), so the first limit crossed is the same as a plain walk would find.
  const values: unknown[] = [body];
  const depths: number[] = [1];
  while (values.length) {
    const v = values.pop();
    const depth = depths.pop() as number;
    if (depth > MAX_JSON_DEPTH) return badRequest(`json: exceeded max depth of ${MAX_JSON_DEPTH}`);
    if (v === null || typeof v !== 'object') {
      bytes += typeof v === 'string' ? v.length + 2 : 8;
      if (bytes > MAX_REQUEST_BODY_BYTES) return requestEntityTooLarge(MAX_REQUEST_BODY_BYTES);
      continue;
    }
    let children: unknown[];
    if (Array.isArray(v)) {
      bytes += 2 + v.length;
      children = v;
    } else {
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj);
      children = new Array<unknown>(keys.length);
      for (let i = 0; i < keys.length; i++) {
        bytes += keys[i].length + 4;
        children[i] = obj[keys[i]];
      }
    }
    if (bytes > MAX_REQUEST_BODY_BYTES) return requestEntityTooLarge(MAX_REQUEST_BODY_BYTES);
    let last = children.length - 1;
    for (; last >= 0; last--) {
      const x = children[last];
      if (x !== null && typeof x === 'object') break;
      if (depth + 1 > MAX_JSON_DEPTH) return badRequest(`json: exceeded max depth of ${MAX_JSON_DEPTH}`);
      bytes += typeof x === 'string' ? x.length + 2 : 8;
      if (bytes > MAX_REQUEST_BODY_BYTES) return requestEntityTooLarge(MAX_REQUEST_BODY_BYTES);
    }
    for (let i = 0; i <= last; i++) {
      values.push(children[i]);
      depths.push(depth + 1);
    }
  }
  return undefined;
}
