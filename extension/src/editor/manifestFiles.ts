/**
 * manifestFiles finds the files `kubectl apply -R -f <path>` reads: a file named
 * directly whatever its extension, and under a folder, recursively and in
 * lexical order as filepath.Walk visits them, every *.json, *.yaml and *.yml.
 * The file system is passed in, so the host walks VS Code's (remote and virtual
 * folders included) and tests walk a temporary directory.
 */

/** FILE_EXTENSIONS are kubectl's resource.FileExtensions. */
export const FILE_EXTENSIONS = ['.json', '.yaml', '.yml'];

export type EntryKind = 'file' | 'directory' | 'other';

/** ManifestFs is the part of a file system the walk needs; P is its path type. */
export interface ManifestFs<P> {
  /** kind is what a path is, or undefined when it does not exist. */
  kind(path: P): Promise<EntryKind | undefined>;
  /** list gives a folder's entries as names and kinds. */
  list(dir: P): Promise<[string, EntryKind][]>;
  join(dir: P, name: string): P;
}

/** isManifestFile says whether a folder walk picks a file by its name. */
export function isManifestFile(name: string): boolean {
  const lower = name.toLowerCase();
  return FILE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** manifestFiles expands paths (files and folders, in the order given) into the files to apply. */
export async function manifestFiles<P>(fs: ManifestFs<P>, paths: readonly P[]): Promise<P[]> {
  const out: P[] = [];
  for (const path of paths) {
    const kind = await fs.kind(path);
    if (kind === 'file') out.push(path);
    else if (kind === 'directory') await walk(fs, path, out);
  }
  return out;
}

async function walk<P>(fs: ManifestFs<P>, dir: P, out: P[]): Promise<void> {
  // filepath.Walk reads a folder's names sorted by byte order, files and folders together.
  const entries = (await fs.list(dir)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, kind] of entries) {
    const path = fs.join(dir, name);
    if (kind === 'directory') await walk(fs, path, out);
    else if (kind === 'file' && isManifestFile(name)) out.push(path);
  }
}
