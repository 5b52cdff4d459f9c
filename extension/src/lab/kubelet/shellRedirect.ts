/**
 * shellRedirect applies a command's redirections: `>`, `>>` and `&>` to the
 * container's files (or /dev/null, /dev/stdout, /dev/stderr), `<` from them,
 * and `n>&m` duplication, failing with each shell's own wording.
 */
import { resolvePath } from './containerFs';
import { type Output, Pipe, closedPipe } from './pipe';
import type { Reader } from './process';
import type { Shell } from './shell';
import { expandString } from './shellExpand';
import type { Redirect } from './shellAst';
import { ExpansionError, type Io } from './shellSignals';

/** redirect returns the streams a command runs with once its redirections are applied. */
export async function redirect(sh: Shell, redirects: Redirect[], io: Io): Promise<Io> {
  if (!redirects.length) return io;
  const fds: (Reader | Output)[] = [io.stdin, io.stdout, io.stderr];
  for (const r of redirects) {
    const target = await expandString(sh, r.target);
    if (r.op === '>&' || r.op === '<&') {
      if (target === '-') continue;
      const from = fds[Number(target)];
      if (!/^\d$/.test(target) || from === undefined) throw new ExpansionError(`${target}: bad file descriptor`);
      fds[r.fd] = from;
      continue;
    }
    if (r.op === '<') {
      fds[r.fd] = openInput(sh, target);
      continue;
    }
    const out = openOutput(sh, target, r.op === '>>');
    if (r.op === '&>') {
      fds[1] = out;
      fds[2] = out;
    } else fds[r.fd] = out;
  }
  return { stdin: fds[0] as Reader, stdout: fds[1] as Output, stderr: fds[2] as Output };
}

function openInput(sh: Shell, target: string): Reader {
  if (target === '/dev/null') return closedPipe();
  if (target === '/dev/stdin') return sh.proc.stdin;
  const content = sh.fs.read(resolvePath(sh.cwdPath, target));
  if (typeof content === 'string') {
    throw new ExpansionError(sh.dialect === 'ash' ? `can't open ${target}: no such file` : sh.dialect === 'dash' ? `cannot open ${target}: No such file` : `${target}: ${content}`);
  }
  const pipe = new Pipe();
  pipe.write(content);
  pipe.end();
  return pipe;
}

function openOutput(sh: Shell, target: string, append: boolean): Output {
  if (target === '/dev/null') return { write: () => undefined };
  if (target === '/dev/stdout') return sh.proc.stdout;
  if (target === '/dev/stderr') return sh.proc.stderr;
  const path = resolvePath(sh.cwdPath, target);
  const err = sh.fs.write(path, '', append);
  if (err) {
    throw new ExpansionError(sh.dialect === 'ash' ? `can't create ${target}: ${err === 'No such file or directory' ? 'nonexistent directory' : err}`
      : sh.dialect === 'dash' ? `cannot create ${target}: ${err === 'No such file or directory' ? 'Directory nonexistent' : err}` : `${target}: ${err}`);
  }
  return { write: (d) => void sh.fs.write(path, d, true) };
}
