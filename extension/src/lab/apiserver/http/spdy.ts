/**
 * spdy is the server side of SPDY/3.1 as k8s.io's httpstream/spdy speaks it
 * (moby/spdystream over the Go SPDY framer): the client opens streams with
 * SYN_STREAM, the server answers each with SYN_REPLY, both send DATA, a FIN
 * flag half-closes, RST_STREAM resets, PING is echoed, GOAWAY ends the
 * connection. spdystream does no flow control, so WINDOW_UPDATE and SETTINGS
 * are read and ignored.
 *
 * Header blocks are zlib streams primed with the SPDY/3 dictionary, one
 * compression context per direction. The client's blocks are inflated in
 * order; the server's replies are written as stored (uncompressed) deflate
 * blocks inside that zlib stream, which any reader of it accepts.
 */
import { type Inflate, constants, createInflate } from 'node:zlib';
import { Pipe } from '../../kubelet/pipe';
import type { Duplex } from 'node:stream';

const VERSION = 3;
const SYN_STREAM = 1;
const SYN_REPLY = 2;
const RST_STREAM = 3;
const PING = 6;
const GOAWAY = 7;
const FLAG_FIN = 0x01;
/** RST_STREAM's CANCEL status, and the status of a reset the server sends. */
export const RST_CANCEL = 5;
const RST_PROTOCOL_ERROR = 1;
/** SYNC_FLUSH is the empty stored block zlib's Z_SYNC_FLUSH writes. */
const SYNC_FLUSH = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);
/** MAX_DATA_FRAME is the largest DATA payload the server sends at once. */
const MAX_DATA_FRAME = 32 * 1024;

/** SPDY_HEADER_DICTIONARY is SPDY/3's zlib dictionary (draft-mbelshe-httpbis-spdy-00 §2.6.10.1). */
export const SPDY_HEADER_DICTIONARY: Buffer = (() => {
  const words = ['options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding', 'accept-language', 'accept-ranges', 'age', 'allow',
    'authorization', 'cache-control', 'connection', 'content-base', 'content-encoding', 'content-language', 'content-length', 'content-location', 'content-md5',
    'content-range', 'content-type', 'date', 'etag', 'expect', 'expires', 'from', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-range',
    'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer', 'retry-after',
    'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning', 'www-authenticate', 'method', 'get', 'status', '200 OK',
    'version', 'HTTP/1.1', 'url', 'public', 'set-cookie', 'keep-alive', 'origin'];
  const tail = '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505203 Non-Authoritative Information204 No Content'
    + '301 Moved Permanently400 Bad Request401 Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable'
    + 'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,'
    + 'application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';
  const parts: Buffer[] = [];
  for (const w of words) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(w.length);
    parts.push(len, Buffer.from(w, 'latin1'));
  }
  parts.push(Buffer.from(tail, 'latin1'));
  return Buffer.concat(parts);
})();

/** Transport is the byte stream SPDY runs over: a raw upgraded socket, or a WebSocket tunnel. */
export interface Transport {
  write(data: Buffer): void;
  onData(fn: (data: Buffer) => void): void;
  onClose(fn: () => void): void;
  close(): void;
}

/**
 * upgradeToSpdy answers an HTTP upgrade with 101 Switching Protocols to SPDY/3.1
 * (naming the negotiated stream protocol, if any) and returns the socket as a
 * Transport; head is what the client sent after its request, delivered first.
 */
export function upgradeToSpdy(socket: Duplex, head: Buffer, protocol: string): Transport {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n${protocol ? `X-Stream-Protocol-Version: ${protocol}\r\n` : ''}\r\n`);
  return {
    write: (d) => void socket.write(d),
    onData: (fn) => {
      if (head.length) fn(head);
      socket.on('data', fn);
    },
    onClose: (fn) => {
      socket.on('close', fn);
      socket.on('error', fn);
    },
    close: () => void socket.end(),
  };
}

/** SpdyStream is one stream the client opened. */
export class SpdyStream {
  /** input carries the client's DATA; it ends at the client's FIN or a reset. */
  readonly input = new Pipe();
  private finished = false;
  private reset = false;
  private readonly resetListeners: (() => void)[] = [];

  constructor(readonly id: number, readonly headers: Map<string, string>, private readonly session: SpdySession) {}

  /** header is a stream header's value (names are lower case on the wire). */
  header(name: string): string | undefined {
    return this.headers.get(name.toLowerCase());
  }

  /** write sends data to the client, in frames of at most 32 KiB. */
  write(data: string | Uint8Array): void {
    if (this.finished || this.reset) return;
    const bytes = Buffer.from(data);
    for (let i = 0; i < bytes.length; i += MAX_DATA_FRAME) this.session.sendData(this.id, bytes.subarray(i, i + MAX_DATA_FRAME), false);
  }

  /** close half-closes the server's side (an empty DATA frame with FIN). */
  close(): void {
    if (this.finished || this.reset) return;
    this.finished = true;
    this.session.sendData(this.id, Buffer.alloc(0), true);
  }

  /** onReset runs fn if the client resets the stream. */
  onReset(fn: () => void): void {
    if (this.reset) fn();
    else this.resetListeners.push(fn);
  }

  get isReset(): boolean {
    return this.reset;
  }

  /** remoteReset is the client's RST_STREAM (or the connection's end). */
  remoteReset(): void {
    if (this.reset) return;
    this.reset = true;
    this.input.end();
    for (const fn of this.resetListeners.splice(0)) fn();
  }
}

/**
 * SpdySession is a server-side SPDY/3.1 connection. accept decides for each
 * new stream whether it is taken (SYN_REPLY) or refused (SYN_REPLY with FIN,
 * as httpstream/spdy rejects a stream its handler refuses); opened then gets
 * each accepted stream, once its reply is on the wire and data may follow.
 */
export class SpdySession {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly streams = new Map<number, SpdyStream>();
  private readonly inflater = new HeaderInflater();
  private queue: Promise<void> = Promise.resolve();
  private compressionStarted = false;
  private closed = false;
  private readonly closeListeners: (() => void)[] = [];

  constructor(private readonly transport: Transport, private readonly accept: (stream: SpdyStream) => boolean, private readonly opened: (stream: SpdyStream) => void) {
    transport.onData((data) => this.receive(data));
    transport.onClose(() => this.shutdown());
  }

  /** onClose runs fn when the connection ends (GOAWAY, the transport closing, or close()). */
  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.closeListeners.push(fn);
  }

  /** close ends the connection: every stream is reset and the transport closed. */
  close(): void {
    this.shutdown();
    this.transport.close();
  }

  sendData(id: number, data: Buffer, fin: boolean): void {
    if (this.closed) return;
    const head = Buffer.alloc(8);
    head.writeUInt32BE(id & 0x7fffffff, 0);
    head.writeUInt32BE(((fin ? FLAG_FIN : 0) << 24) | data.length, 4);
    this.transport.write(Buffer.concat([head, data]));
  }

  private sendControl(type: number, flags: number, payload: Buffer): void {
    if (this.closed) return;
    const head = Buffer.alloc(8);
    head.writeUInt16BE(0x8000 | VERSION, 0);
    head.writeUInt16BE(type, 2);
    head.writeUInt32BE((flags << 24) | payload.length, 4);
    this.transport.write(Buffer.concat([head, payload]));
  }

  /** sendReply answers a SYN_STREAM with an empty header block, FIN when the stream is refused. */
  private sendReply(id: number, fin: boolean): void {
    const payload = Buffer.alloc(4);
    payload.writeUInt32BE(id & 0x7fffffff, 0);
    this.sendControl(SYN_REPLY, fin ? FLAG_FIN : 0, Buffer.concat([payload, this.storedHeaderBlock(Buffer.alloc(4))]));
  }

  /**
   * storedHeaderBlock wraps a name/value block as a stored deflate block and
   * ends it as Z_SYNC_FLUSH does, with an empty stored block — a reader hands
   * out a block's bytes only at such a flush — opening the zlib stream the
   * first time.
   */
  private storedHeaderBlock(block: Buffer): Buffer {
    const stored = Buffer.alloc(5);
    stored.writeUInt8(0, 0);
    stored.writeUInt16LE(block.length, 1);
    stored.writeUInt16LE(~block.length & 0xffff, 3);
    const prefix = this.compressionStarted ? Buffer.alloc(0) : Buffer.from([0x78, 0x01]);
    this.compressionStarted = true;
    return Buffer.concat([prefix, stored, block, SYNC_FLUSH]);
  }

  private receive(data: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : data;
    while (this.buffer.length >= 8) {
      const length = this.buffer.readUInt32BE(4) & 0xffffff;
      if (this.buffer.length < 8 + length) return;
      const frame = this.buffer.subarray(0, 8 + length);
      this.buffer = this.buffer.subarray(8 + length);
      // Frames are handled in order; a SYN_STREAM's headers inflate asynchronously before the frames after it.
      this.queue = this.queue.then(() => this.handle(frame)).catch(() => this.close());
    }
  }

  private async handle(frame: Buffer): Promise<void> {
    if (this.closed) return;
    const flags = frame[4];
    const payload = frame.subarray(8);
    if ((frame[0] & 0x80) === 0) {
      const stream = this.streams.get(frame.readUInt32BE(0) & 0x7fffffff);
      if (!stream) return;
      if (payload.length) stream.input.write(payload);
      if (flags & FLAG_FIN) stream.input.end();
      return;
    }
    const type = frame.readUInt16BE(2);
    switch (type) {
      case SYN_STREAM: {
        const id = payload.readUInt32BE(0) & 0x7fffffff;
        const headers = parseHeaderBlock(await this.inflater.decode(payload.subarray(10)));
        if (id === 0 || id % 2 === 0 || this.streams.has(id)) {
          this.sendReset(id, RST_PROTOCOL_ERROR);
          return;
        }
        const stream = new SpdyStream(id, headers, this);
        this.streams.set(id, stream);
        const accepted = this.accept(stream);
        this.sendReply(id, !accepted);
        if (flags & FLAG_FIN) stream.input.end();
        if (accepted) this.opened(stream);
        else this.streams.delete(id);
        return;
      }
      case RST_STREAM: {
        const id = payload.readUInt32BE(0) & 0x7fffffff;
        this.streams.get(id)?.remoteReset();
        this.streams.delete(id);
        return;
      }
      case PING:
        this.sendControl(PING, 0, payload);
        return;
      case GOAWAY:
        this.close();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE, HEADERS: nothing a spdystream client needs answered.
        return;
    }
  }

  private sendReset(id: number, status: number): void {
    const payload = Buffer.alloc(8);
    payload.writeUInt32BE(id & 0x7fffffff, 0);
    payload.writeUInt32BE(status, 4);
    this.sendControl(RST_STREAM, 0, payload);
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.remoteReset();
    this.streams.clear();
    this.inflater.close();
    for (const fn of this.closeListeners.splice(0)) fn();
  }
}

/** streamProtocols are the X-Stream-Protocol-Version values a request offers (the header may repeat). */
export function streamProtocols(value: string | string[] | undefined): string[] {
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).split(',').map((p) => p.trim()).filter(Boolean);
}

/** parseHeaderBlock reads SPDY/3's name/value block: 32-bit counts and lengths, values joined by NUL. */
export function parseHeaderBlock(block: Buffer): Map<string, string> {
  const headers = new Map<string, string>();
  let pos = 4;
  const count = block.length >= 4 ? block.readUInt32BE(0) : 0;
  for (let i = 0; i < count && pos + 4 <= block.length; i++) {
    const nameLength = block.readUInt32BE(pos);
    const name = block.subarray(pos + 4, pos + 4 + nameLength).toString('latin1').toLowerCase();
    pos += 4 + nameLength;
    const valueLength = block.readUInt32BE(pos);
    const value = block.subarray(pos + 4, pos + 4 + valueLength).toString('latin1');
    pos += 4 + valueLength;
    headers.set(name, value.split('\0')[0]);
  }
  return headers;
}

/** HeaderInflater inflates one direction's header blocks, which share a single zlib stream. */
class HeaderInflater {
  private readonly inflate: Inflate = createInflate({ dictionary: SPDY_HEADER_DICTIONARY });
  private chunks: Buffer[] = [];

  constructor() {
    this.inflate.on('data', (c: Buffer) => this.chunks.push(c));
    this.inflate.on('error', () => undefined);
  }

  decode(block: Buffer): Promise<Buffer> {
    return new Promise((resolve) => {
      this.inflate.write(block);
      this.inflate.flush(constants.Z_SYNC_FLUSH, () => {
        const out = Buffer.concat(this.chunks);
        this.chunks = [];
        resolve(out);
      });
    });
  }

  close(): void {
    this.inflate.destroy();
  }
}
