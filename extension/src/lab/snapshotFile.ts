/**
 * snapshotFile keeps a lab snapshot in a JSON file: the persisted lab's store
 * between sessions (`.kubelab/cluster.json`) and the snapshots a person saves.
 * A file is written whole or not at all (a temporary file renamed into place).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { validateLabSnapshot } from './labControl';
import type { StoreSnapshot } from './store/snapshot';

/** snapshotText is the file's text: the snapshot as indented JSON. */
export function snapshotText(snapshot: StoreSnapshot): string {
  return `${JSON.stringify(snapshot, null, 1)}\n`;
}

/** parseSnapshot reads a file's text as a lab snapshot, or says why it is not one. */
export function parseSnapshot(text: string): StoreSnapshot | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `not a KubeLab snapshot: ${err instanceof Error ? err.message : String(err)}` };
  }
  return validateLabSnapshot(value);
}

/** readSnapshotFile is the snapshot at path; undefined when there is no file. */
export async function readSnapshotFile(path: string): Promise<StoreSnapshot | undefined | { error: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { error: err instanceof Error ? err.message : String(err) };
  }
  return parseSnapshot(text);
}

/** writeSnapshotFile writes the snapshot at path, creating its folder. */
export async function writeSnapshotFile(path: string, snapshot: StoreSnapshot): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, snapshotText(snapshot), 'utf8');
  await rename(tmp, path);
}
