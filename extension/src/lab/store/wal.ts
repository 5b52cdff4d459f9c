/**
 * wal is the durable store's write-ahead log: a file of frames, each one batch
 * of writes (group commit) as [payload length u32le][CRC-32 u32le][payload].
 * A batch is appended with one write and flushed with one fdatasync before any
 * write in it is acknowledged, so only the last frame can be torn by a crash or
 * a power cut. Reading tells a torn last frame (dropped, with a warning: it was
 * never acknowledged) from a damaged frame with good frames after it
 * (corruption: refused, since acknowledged writes would be lost).
 */
import { crc32 } from 'node:zlib';
import type { AppendFile, StoreFiles } from './storeFiles';

/** HEADER_BYTES is the frame header: payload length and CRC-32, little-endian. */
export const HEADER_BYTES = 8;
/** MAX_FRAME_BYTES bounds one frame's payload; a larger length can only be damage. */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

/** frame wraps payload with its length and checksum. */
export function frame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  out.set(payload, HEADER_BYTES);
  return out;
}

/** WalScan is what a log holds: its good frames' payloads, how many bytes they span, and why the rest was dropped. */
export interface WalScan {
  payloads: Buffer[];
  validBytes: number;
  /** torn says what the dropped tail was, when there was one. */
  torn?: string;
}

/** WalCorruptError is a log with a bad frame followed by good ones: writes that were acknowledged cannot be read back. */
export class WalCorruptError extends Error {}

/** frameAt is the payload of a good frame at offset, or why there is none. */
function frameAt(bytes: Buffer, offset: number): { payload: Buffer } | { bad: string } {
  const left = bytes.length - offset;
  if (left < HEADER_BYTES) return { bad: `a ${left}-byte partial frame header` };
  const length = bytes.readUInt32LE(offset);
  const end = offset + HEADER_BYTES + length;
  if (length === 0 || length > MAX_FRAME_BYTES) return { bad: `a frame header with an impossible length (${length})` };
  if (end > bytes.length) return { bad: `a frame of ${length} bytes cut off after ${left - HEADER_BYTES}` };
  const payload = bytes.subarray(offset + HEADER_BYTES, end);
  if (crc32(payload) !== bytes.readUInt32LE(offset + 4)) return { bad: `a ${length}-byte frame failing its CRC check` };
  return { payload };
}

/** goodFrameAfter is the offset of a good frame that starts after offset, if any. */
function goodFrameAfter(bytes: Buffer, offset: number): number | undefined {
  for (let at = offset + 1; at + HEADER_BYTES < bytes.length; at++) {
    const length = bytes.readUInt32LE(at);
    if (length === 0 || at + HEADER_BYTES + length > bytes.length) continue;
    if (!('payload' in frameAt(bytes, at))) continue;
    return at;
  }
  return undefined;
}

/**
 * scanWal reads a log's frames. Bytes after the last good frame that hold no
 * good frame are a torn final append and are reported in torn; a bad frame
 * with a good one after it throws WalCorruptError.
 */
export function scanWal(bytes: Buffer, name: string): WalScan {
  const payloads: Buffer[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const got = frameAt(bytes, offset);
    if ('payload' in got) {
      payloads.push(got.payload);
      offset += HEADER_BYTES + got.payload.length;
      continue;
    }
    const next = goodFrameAfter(bytes, offset);
    if (next !== undefined) throw new WalCorruptError(`${name} is corrupt: ${got.bad} at byte ${offset}, with ${payloads.length} good frame(s) before it and a good one at byte ${next} after it`);
    return { payloads, validBytes: offset, torn: `${got.bad} at byte ${offset} (${bytes.length - offset} bytes dropped)` };
  }
  return { payloads, validBytes: offset };
}

/**
 * Wal appends frames to one log file. A failed append (disk full, I/O error)
 * cuts the file back to its last good frame, so the log never holds a frame
 * that was not acknowledged, and the caller's batch fails as a whole; if even
 * that cut fails the log refuses every later append until it is reopened.
 */
export class Wal {
  private broken?: Error;

  private constructor(private readonly file: AppendFile, readonly path: string, private bytes: number) {}

  /**
   * open reads the log at path (a missing one is empty), drops a torn tail from
   * the file and opens it for appending. created tells whether the file is new,
   * so the caller can flush its folder.
   */
  static async open(files: StoreFiles, path: string): Promise<{ wal: Wal; payloads: Buffer[]; torn?: string; created: boolean }> {
    const read = await files.read(path);
    const scan = read ? scanWal(Buffer.from(read.buffer, read.byteOffset, read.byteLength), path) : { payloads: [], validBytes: 0 };
    const file = await files.openAppend(path);
    try {
      if (read && scan.validBytes < read.length) {
        await file.truncate(scan.validBytes);
        await file.sync();
      }
    } catch (err) {
      await file.close();
      throw err;
    }
    return { wal: new Wal(file, path, scan.validBytes), payloads: scan.payloads, ...('torn' in scan && scan.torn ? { torn: scan.torn } : {}), created: !read };
  }

  /** size is the log's length in bytes. */
  get size(): number {
    return this.bytes;
  }

  /** append writes payload as one frame and flushes it; when it resolves the frame is on the disk. */
  async append(payload: Uint8Array): Promise<void> {
    if (this.broken) throw this.broken;
    const data = frame(payload);
    try {
      await this.file.append(data);
      await this.file.sync();
    } catch (err) {
      await this.cutBack(err);
      throw err;
    }
    this.bytes += data.length;
  }

  private async cutBack(cause: unknown): Promise<void> {
    try {
      await this.file.truncate(this.bytes);
      await this.file.sync();
    } catch (err) {
      const why = (e: unknown): string => (e instanceof Error ? e.message : String(e));
      this.broken = new Error(`the write-ahead log ${this.path} could not be cut back after a failed append (${why(cause)}): ${why(err)}; restart the lab to recover it`);
    }
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
