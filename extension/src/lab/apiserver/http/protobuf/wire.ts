/**
 * wire reads the protocol buffers wire format: a message is a run of fields,
 * each a key (field number and wire type, as a varint) and a value — a varint,
 * 8 or 4 fixed bytes, or a length-delimited run of bytes.
 */

/** WireField is one field as it lies on the wire. */
export type WireField =
  | { number: number; wireType: 0; value: bigint }
  | { number: number; wireType: 2; bytes: Uint8Array }
  | { number: number; wireType: 1 | 5; bytes: Uint8Array };

/** WireError is a malformed message: truncated, or a wire type protobuf does not have. */
export class WireError extends Error {}

/** readFields splits a message into its fields, in wire order. */
export function readFields(buf: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= buf.length) throw new WireError('unexpected EOF');
      const b = buf[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
    }
    throw new WireError('integer overflow');
  };
  const take = (n: number): Uint8Array => {
    if (n < 0 || pos + n > buf.length) throw new WireError('unexpected EOF');
    const out = buf.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  while (pos < buf.length) {
    const key = varint();
    const number = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (number <= 0) throw new WireError(`illegal tag ${number}`);
    switch (wireType) {
      case 0: fields.push({ number, wireType, value: varint() }); break;
      case 1: fields.push({ number, wireType, bytes: take(8) }); break;
      case 2: fields.push({ number, wireType, bytes: take(Number(varint())) }); break;
      case 5: fields.push({ number, wireType, bytes: take(4) }); break;
      default: throw new WireError(`illegal wireType ${wireType}`);
    }
  }
  return fields;
}

/** readPackedVarints reads a packed repeated varint field's values. */
export function readPackedVarints(buf: Uint8Array): bigint[] {
  const out: bigint[] = [];
  let pos = 0;
  while (pos < buf.length) {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (pos >= buf.length || shift >= 70n) throw new WireError('unexpected EOF');
      const b = buf[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    out.push(result);
  }
  return out;
}
