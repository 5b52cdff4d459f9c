/**
 * ContainerFs is a container's simulated filesystem: the image's files that
 * matter to someone poking around with a shell (`/etc/os-release`, nginx's
 * pages), the files the kubelet and the runtime put in every container
 * (`/etc/hosts`, `/etc/hostname`, `/etc/resolv.conf`), `/proc/1/cmdline`, and
 * whatever the container writes while it runs. Paths are absolute and
 * normalised; directories exist implicitly above every file.
 */

/** FsError is why an operation failed, worded as strerror says it. */
export type FsError = 'No such file or directory' | 'Is a directory' | 'Not a directory' | 'Read-only file system' | 'Directory not empty' | 'File exists';

type FsNode = { type: 'dir' } | { type: 'file'; content: Buffer; readOnly: boolean };

/** READ_ONLY_PREFIXES are mounted read-only (procfs), so writes there fail. */
const READ_ONLY_PREFIXES = ['/proc/', '/sys/'];

export class ContainerFs {
  private readonly nodes = new Map<string, FsNode>([['/', { type: 'dir' }]]);

  /** constructor lays out files (path → content) and empty directories. */
  constructor(files: Record<string, string | Buffer> = {}, dirs: string[] = []) {
    for (const d of dirs) this.ensureDir(d);
    for (const [path, content] of Object.entries(files)) {
      this.ensureDir(parent(path));
      this.nodes.set(path, { type: 'file', content: Buffer.from(content), readOnly: READ_ONLY_PREFIXES.some((p) => path.startsWith(p)) });
    }
  }

  /** kind says whether path is a file, a directory, or nothing. */
  kind(path: string): 'file' | 'dir' | undefined {
    return this.nodes.get(path)?.type;
  }

  /** read returns a file's content, or why it cannot be read. */
  read(path: string): Buffer | FsError {
    const node = this.nodes.get(path);
    if (!node) return this.nodes.get(parent(path))?.type === 'file' ? 'Not a directory' : 'No such file or directory';
    return node.type === 'dir' ? 'Is a directory' : node.content;
  }

  /** write creates or replaces (or appends to) a file; its directory must exist. */
  write(path: string, data: string | Uint8Array, append = false): FsError | undefined {
    const node = this.nodes.get(path);
    if (node?.type === 'dir') return 'Is a directory';
    if (node?.readOnly || READ_ONLY_PREFIXES.some((p) => path.startsWith(p))) return 'Read-only file system';
    const dir = this.nodes.get(parent(path));
    if (!dir) return 'No such file or directory';
    if (dir.type !== 'dir') return 'Not a directory';
    const bytes = Buffer.from(data);
    this.nodes.set(path, { type: 'file', content: append && node ? Buffer.concat([node.content, bytes]) : bytes, readOnly: false });
    return undefined;
  }

  /** mkdir makes one directory (with parents when asked). */
  mkdir(path: string, parents = false): FsError | undefined {
    const node = this.nodes.get(path);
    if (node) return parents && node.type === 'dir' ? undefined : 'File exists';
    if (parents) {
      if (this.nodes.get(parent(path))?.type === 'file') return 'Not a directory';
      this.ensureDir(path);
      return undefined;
    }
    const dir = this.nodes.get(parent(path));
    if (!dir) return 'No such file or directory';
    if (dir.type !== 'dir') return 'Not a directory';
    this.nodes.set(path, { type: 'dir' });
    return undefined;
  }

  /** remove deletes a file, or a directory when recursive (or empty). */
  remove(path: string, recursive = false): FsError | undefined {
    const node = this.nodes.get(path);
    if (!node) return 'No such file or directory';
    if (READ_ONLY_PREFIXES.some((p) => path.startsWith(p))) return 'Read-only file system';
    if (node.type === 'dir') {
      const children = this.list(path) ?? [];
      if (children.length && !recursive) return 'Directory not empty';
      const prefix = path === '/' ? '/' : `${path}/`;
      for (const key of [...this.nodes.keys()]) if (key.startsWith(prefix)) this.nodes.delete(key);
    }
    if (path !== '/') this.nodes.delete(path);
    return undefined;
  }

  /** list returns the names in a directory, sorted as `ls` sorts them in the C locale. */
  list(path: string): string[] | undefined {
    if (this.nodes.get(path)?.type !== 'dir') return undefined;
    const prefix = path === '/' ? '/' : `${path}/`;
    const names: string[] = [];
    for (const key of this.nodes.keys()) {
      if (key !== path && key.startsWith(prefix) && !key.slice(prefix.length).includes('/')) names.push(key.slice(prefix.length));
    }
    return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** size is a file's length in bytes (directories are 4096, as on ext4). */
  size(path: string): number {
    const node = this.nodes.get(path);
    return node?.type === 'file' ? node.content.length : 4096;
  }

  private ensureDir(path: string): void {
    for (let p = path; !this.nodes.has(p); p = parent(p)) this.nodes.set(p, { type: 'dir' });
  }
}

/** resolvePath makes p absolute against cwd and folds `.`, `..` and repeated slashes. */
export function resolvePath(cwd: string, p: string): string {
  const parts: string[] = [];
  for (const seg of (p.startsWith('/') ? p : `${cwd}/${p}`).split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}

/** parent is the directory holding path. */
export function parent(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** basename is the last element of path, as basename(1). */
export function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.slice(trimmed.lastIndexOf('/') + 1);
}
