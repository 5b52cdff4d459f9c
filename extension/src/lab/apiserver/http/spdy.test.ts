import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { constants, createDeflate, inflateSync } from 'node:zlib';
import { SPDY_HEADER_DICTIONARY, SpdySession, type SpdyStream, type Transport, parseHeaderBlock } from './spdy';

test('the SPDY/3 header dictionary is the spec\'s 1423 bytes', () => {
  assert.equal(SPDY_HEADER_DICTIONARY.length, 1423);
  // The sha256 of spdystream's spdy/dictionary.go headerDictionary.
  assert.equal(createHash('sha256').update(SPDY_HEADER_DICTIONARY).digest('hex'), '51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02');
  assert.deepEqual(SPDY_HEADER_DICTIONARY.subarray(0, 11), Buffer.from([0, 0, 0, 7, ...Buffer.from('options')]));
  assert.equal(SPDY_HEADER_DICTIONARY.subarray(-9).toString(), ',*,enq=0.');
});

/** client is a SPDY client as spdystream writes frames: headers deflated with the dictionary and sync-flushed, one stream of compression. */
function client(): { syn(id: number, headers: Record<string, string>): Promise<Buffer>; data(id: number, bytes: string, fin?: boolean): Buffer; control(type: number, payload: Buffer): Buffer } {
  const deflate = createDeflate({ dictionary: SPDY_HEADER_DICTIONARY });
  const chunks: Buffer[] = [];
  deflate.on('data', (c: Buffer) => chunks.push(c));
  const control = (type: number, payload: Buffer, flags = 0): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt16BE(0x8003, 0);
    head.writeUInt16BE(type, 2);
    head.writeUInt32BE((flags << 24) | payload.length, 4);
    return Buffer.concat([head, payload]);
  };
  return {
    control,
    syn: async (id, headers) => {
      const parts: Buffer[] = [u32(Object.keys(headers).length)];
      for (const [k, v] of Object.entries(headers)) parts.push(u32(k.length), Buffer.from(k), u32(v.length), Buffer.from(v));
      deflate.write(Buffer.concat(parts));
      const block = await new Promise<Buffer>((resolve) => deflate.flush(constants.Z_SYNC_FLUSH, () => resolve(Buffer.concat(chunks.splice(0)))));
      return control(1, Buffer.concat([u32(id), u32(0), Buffer.from([0, 0]), block]));
    },
    data: (id, bytes, fin = false) => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(id, 0);
      head.writeUInt32BE(((fin ? 1 : 0) << 24) | Buffer.byteLength(bytes), 4);
      return Buffer.concat([head, Buffer.from(bytes)]);
    },
  };
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** session runs a server session over a fake transport, recording what it writes. */
function session(accept: (s: SpdyStream) => boolean, opened: (s: SpdyStream) => void = () => undefined): { feed(b: Buffer): void; written: Buffer[]; closed: () => boolean } {
  let onData: (d: Buffer) => void = () => undefined;
  const written: Buffer[] = [];
  let closed = false;
  const transport: Transport = { write: (d) => void written.push(d), onData: (fn) => (onData = fn), onClose: () => undefined, close: () => (closed = true) };
  new SpdySession(transport, accept, opened);
  return { feed: (b) => onData(b), written, closed: () => closed };
}

/** until waits for cond: the session inflates header blocks on zlib's thread pool, so frames are handled a little later. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(cond(), 'timed out');
}

// k8s.io/apimachinery/pkg/util/httpstream/spdy: the server answers each stream with an empty SYN_REPLY.
test('each SYN_STREAM is answered by a SYN_REPLY whose header blocks form one zlib stream, each ended by a sync flush', async () => {
  const c = client();
  const opened: SpdyStream[] = [];
  const s = session(() => true, (st) => opened.push(st));
  s.feed(Buffer.concat([await c.syn(1, { streamtype: 'error', port: '80', requestid: '0' }), await c.syn(3, { streamtype: 'data', port: '80', requestid: '0' })]));
  await until(() => opened.length === 2);
  assert.deepEqual(opened.map((st) => [st.id, [...st.headers]]), [[1, [['streamtype', 'error'], ['port', '80'], ['requestid', '0']]], [3, [['streamtype', 'data'], ['port', '80'], ['requestid', '0']]]]);
  assert.deepEqual(s.written.map((b) => b.toString('hex')), [
    '80030002' + '00000014' + '00000001' + '7801' + '000400fbff' + '00000000' + '000000ffff',
    '80030002' + '00000012' + '00000003' + '000400fbff' + '00000000' + '000000ffff',
  ]);
  // The replies' header blocks decode as zlib with the dictionary, one empty header block each.
  const blocks = [s.written[0].subarray(12), s.written[1].subarray(12)];
  assert.deepEqual(inflateSync(Buffer.concat(blocks), { finishFlush: constants.Z_SYNC_FLUSH }), Buffer.alloc(8));
  assert.deepEqual(blocks[0].subarray(0, 2), Buffer.from([0x78, 0x01]));
  assert.deepEqual(blocks[1], Buffer.from([0x00, 0x04, 0x00, 0xfb, 0xff, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0xff, 0xff]));
});

test('a refused stream gets a SYN_REPLY with FIN; DATA and FIN reach an accepted stream\'s input; PING is echoed; RST resets', async () => {
  const c = client();
  const opened: SpdyStream[] = [];
  const s = session((st) => st.header('streamtype') === 'data', (st) => opened.push(st));
  s.feed(await c.syn(1, { streamtype: 'bogus' }));
  await until(() => s.written.length === 1);
  assert.equal(s.written[0][4], 0x01, 'FIN flag on the refusal');
  s.feed(await c.syn(3, { streamtype: 'data' }));
  s.feed(c.data(3, 'hello '));
  s.feed(c.data(3, 'world', true));
  await until(() => opened.length === 1);
  assert.equal((await opened[0].input.readAll()).toString(), 'hello world');
  s.feed(c.control(6, u32(7)));
  await until(() => s.written.length === 3);
  assert.equal(s.written.at(-1)?.toString('hex'), '800300060000000400000007');
  opened[0].write('answer');
  opened[0].close();
  assert.deepEqual(s.written.slice(-2).map((b) => b.toString('hex')), ['0000000300000006' + Buffer.from('answer').toString('hex'), '0000000301000000']);
  s.feed(await c.syn(5, { streamtype: 'data' }));
  s.feed(c.control(3, Buffer.concat([u32(5), u32(5)])));
  await until(() => opened[1]?.isReset === true);
  s.feed(c.control(7, Buffer.concat([u32(5), u32(0)])));
  await until(() => s.closed());
  assert.equal(s.closed(), true);
});

test('parseHeaderBlock reads counts and lengths, lower-cases names and keeps the first of NUL-joined values', () => {
  const block = Buffer.concat([u32(2), u32(4), Buffer.from('Port'), u32(2), Buffer.from('80'), u32(1), Buffer.from('x'), u32(3), Buffer.from('a\0b')]);
  assert.deepEqual([...parseHeaderBlock(block)], [['port', '80'], ['x', 'a']]);
});
