/**
 * StoreFiles is the little file system the durable store needs: read a file
 * whole, append to a log and flush it, write a file flushed and rename it into
 * place, flush a folder's entries. It is injected so tests can make the disk
 * fill up or fail at any step; nodeStoreFiles is the real one.
 */
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';

/** AppendFile is a file open for appending, as the write-ahead log keeps it. */
export interface AppendFile {
  /** append writes data at the end; on failure part of it may have been written. */
  append(data: Uint8Array): Promise<void>;
  /** sync flushes what was appended to the disk (fdatasync). */
  sync(): Promise<void>;
  /** truncate cuts the file to length bytes. */
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export interface StoreFiles {
  /** mkdir makes dir and its parents; an existing one is fine. */
  mkdir(dir: string): Promise<void>;
  /** list names the entries of dir. */
  list(dir: string): Promise<string[]>;
  /** read is the file's bytes, undefined when there is no such file. */
  read(path: string): Promise<Uint8Array | undefined>;
  /** writeSynced creates or replaces path with data, flushed to the disk before it resolves. */
  writeSynced(path: string, data: Uint8Array): Promise<void>;
  /** rename moves from to to, replacing to atomically. */
  rename(from: string, to: string): Promise<void>;
  /** remove deletes path; a missing file is fine. */
  remove(path: string): Promise<void>;
  /** syncDir flushes dir's entries, so a created or renamed file survives a power cut. */
  syncDir(dir: string): Promise<void>;
  /** openAppend opens path for appending, creating it empty when missing. */
  openAppend(path: string): Promise<AppendFile>;
}

/** nodeStoreFiles is StoreFiles over node:fs. */
export function nodeStoreFiles(): StoreFiles {
  return {
    mkdir: async (dir) => {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    },
    list: (dir) => readdir(dir),
    read: async (path) => {
      try {
        return await readFile(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    writeSynced: async (path, data) => {
      const file = await open(path, 'w', 0o600);
      try {
        await file.writeFile(data);
        await file.sync();
      } finally {
        await file.close();
      }
    },
    rename: (from, to) => rename(from, to),
    remove: (path) => rm(path, { force: true }),
    syncDir: async (dir) => {
      // Windows cannot open a folder to flush it; its file system orders metadata itself.
      if (process.platform === 'win32') return;
      const handle = await open(dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    openAppend: async (path) => {
      const file = await open(path, 'a', 0o600);
      return {
        append: async (data) => {
          for (let done = 0; done < data.length;) {
            const { bytesWritten } = await file.write(data, done, data.length - done);
            done += bytesWritten;
          }
        },
        sync: () => file.datasync(),
        truncate: (length) => file.truncate(length),
        close: () => file.close(),
      };
    },
  };
}
