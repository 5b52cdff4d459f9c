/**
 * snapshotFile keeps a lab snapshot in a file: the persisted lab's store between
 * sessions (`.kubelab/cluster.json`), the `kubelab up --data` folder's cluster
 * and the snapshots a person saves. The format (store/snapshot.ts) carries a
 * CRC-32C trailer, so a truncated or damaged file is refused before any of it
 * reaches a lab. A file is written whole or not at all: a temporary file,
 * flushed to disk, renamed into place.
 */
import { open, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { validateLabSnapshot } from './labControl';
import { type SnapshotStatus, type StoreSnapshot, decodeSnapshot, encodeSnapshot } from './store/snapshot';

/** SNAPSHOT_EXTENSION is the file extension the editor offers for saved snapshots. */
export const SNAPSHOT_EXTENSION = 'snapshot';

/** snapshotBytes is the file of a snapshot. */
export function snapshotBytes(snapshot: StoreSnapshot): Uint8Array {
  return encodeSnapshot(snapshot);
}

/** inspectSnapshot checks a file's integrity and that it is a lab's store, and tells its status. */
export function inspectSnapshot(file: Uint8Array | string): { snapshot: StoreSnapshot; status: SnapshotStatus } | { error: string } {
  const decoded = decodeSnapshot(typeof file === 'string' ? new TextEncoder().encode(file) : file);
  if ('error' in decoded) return decoded;
  const snapshot = validateLabSnapshot(decoded.snapshot);
  return 'error' in snapshot ? snapshot : { snapshot, status: decoded.status };
}

/** parseSnapshot reads a file as a lab snapshot, or says why it is not one. */
export function parseSnapshot(file: Uint8Array | string): StoreSnapshot | { error: string } {
  const inspected = inspectSnapshot(file);
  return 'error' in inspected ? inspected : inspected.snapshot;
}

/** readFileOrError is a file's bytes, undefined when there is none, or the error reading it. */
async function readFileOrError(path: string): Promise<Uint8Array | undefined | { error: string }> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** readSnapshotFile is the snapshot at path; undefined when there is no file. */
export async function readSnapshotFile(path: string): Promise<StoreSnapshot | undefined | { error: string }> {
  const bytes = await readFileOrError(path);
  return bytes === undefined || 'error' in bytes ? bytes : parseSnapshot(bytes);
}

/** snapshotStatus is `etcdctl snapshot status` of the file at path: its hash, revision, keys and size, once its integrity is checked. */
export async function snapshotStatus(path: string): Promise<SnapshotStatus | { error: string }> {
  const bytes = await readFileOrError(path);
  if (bytes === undefined) return { error: `open ${path}: no such file or directory` };
  if ('error' in bytes) return bytes;
  const inspected = inspectSnapshot(bytes);
  return 'error' in inspected ? inspected : inspected.status;
}

/**
 * writeSnapshotFile writes the snapshot at path, creating its folder, and
 * answers the written file's status. A store holds Secrets, so a new file is
 * the user's alone unless mode says otherwise (etcdctl saves with 0600 too).
 */
export async function writeSnapshotFile(path: string, snapshot: StoreSnapshot, mode = 0o600): Promise<SnapshotStatus> {
  const bytes = snapshotBytes(snapshot);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.part`;
  const file = await open(tmp, 'w', mode);
  try {
    await file.writeFile(bytes);
    // Flushed before the rename, so a power cut leaves the old file or the whole new one.
    await file.sync();
  } catch (err) {
    await file.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await file.close();
  await rename(tmp, path);
  const decoded = decodeSnapshot(bytes);
  if ('error' in decoded) throw new Error(`the snapshot written to ${path} does not read back: ${decoded.error}`);
  return decoded.status;
}
