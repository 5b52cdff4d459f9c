/**
 * coreutils are the programs a simulated image ships besides its shell, in two
 * flavours that differ in their messages the way the real ones do: busybox
 * applets (busybox, alpine) and GNU coreutils (Debian-based images such as
 * nginx and httpd). Each reads and writes the container's files and its
 * standard streams, and ends with the exit status the real tool would.
 */
import { baseName, parent, resolvePath } from './containerFs';
import type { ContainerFs } from './containerFs';
import type { Output } from './pipe';
import { type Proc, type Program, type ShellDialect, lookPath, sleepFor } from './process';
import { fail, inputs, textTools } from './textTools';
import { dnsTools } from './dnsTools';
import { httpTools } from './httpTools';
import { killApplet } from './shellTraps';

/** ProgramTable maps a program's name (as ContainerSystem.programs names it) to its code. */
export type ProgramTable = Record<string, Program>;

/** BUSYBOX_APPLETS are the busybox applets the lab simulates, all installed in /bin. */
export const BUSYBOX_APPLETS = [
  'basename', 'cat', 'cut', 'date', 'dirname', 'echo', 'env', 'false', 'grep', 'head', 'hostname', 'id', 'ls', 'mkdir', 'printenv',
  'printf', 'ps', 'pwd', 'rm', 'seq', 'sleep', 'sort', 'tail', 'tee', 'test', '[', 'touch', 'tr', 'true', 'uname', 'uniq', 'wc', 'which',
  'whoami', 'yes', 'nslookup', 'kill', 'wget',
];

/** GNU_PROGRAMS are the Debian programs the lab simulates (procps's ps and dnsutils' nslookup are not in the slim images; libc-bin's getent is). */
export const GNU_PROGRAMS = [...BUSYBOX_APPLETS.filter((p) => p !== 'ps' && p !== 'nslookup' && p !== 'kill' && p !== 'wget'), 'getent'];

const ok = (out: Output, text: string): number => {
  out.write(text);
  return 0;
};

/** echoBuiltin is the shells' echo: dash always reads backslash escapes; ash and bash only with -e. */
export function echoBuiltin(dialect: ShellDialect, argv: string[], out: Output): number {
  let i = 1;
  let newline = true;
  let escapes = dialect === 'dash';
  while (i < argv.length && (dialect === 'dash' ? argv[i] === '-n' : /^-[neE]+$/.test(argv[i]))) {
    for (const f of argv[i].slice(1)) {
      if (f === 'n') newline = false;
      else if (f === 'e') escapes = true;
      else if (f === 'E') escapes = false;
    }
    i++;
  }
  let text = argv.slice(i).join(' ');
  if (escapes) {
    const [expanded, stop] = backslashEscapes(text, true);
    text = expanded;
    if (stop) newline = false;
  }
  out.write(newline ? `${text}\n` : text);
  return 0;
}

/** backslashEscapes expands `\n`, `\t`, `\0NNN`, `\xHH` …; `\c` stops the output (reported as true). */
function backslashEscapes(text: string, echoStyle: boolean): [string, boolean] {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\' || i === text.length - 1) {
      out += c;
      continue;
    }
    const n = text[++i];
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', e: '\x1b' };
    if (n in simple) out += simple[n];
    else if (n === 'c') return [out, true];
    else if (n === '0' || (!echoStyle && /[0-7]/.test(n))) {
      const m = /^[0-7]{0,3}/.exec(text.slice(echoStyle ? i + 1 : i))?.[0] ?? '';
      out += String.fromCharCode(parseInt(m || '0', 8));
      i += echoStyle ? m.length : m.length - 1;
    } else if (n === 'x') {
      const m = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 1))?.[0];
      if (m) {
        out += String.fromCharCode(parseInt(m, 16));
        i += m.length;
      } else out += '\\x';
    } else out += `\\${n}`;
  }
  return [out, false];
}

/** printf is printf(1): the format reused while arguments remain, with %s %d %i %u %x %X %o %c %b %f and escapes. */
export function printf(argv: string[], out: Output, err: Output): number {
  const format = argv[1];
  if (format === undefined) {
    err.write('printf: usage: printf format [arguments]\n');
    return 2;
  }
  const args = argv.slice(2);
  let used = 0;
  let status = 0;
  let result = '';
  do {
    const before = used;
    const [text, stop] = backslashEscapes(format.replace(/%([-+ #0]*)(\d*)(?:\.(\d+))?([sdiuxXocbfeg%])/g, (_m, flags: string, width: string, precision: string | undefined, conv: string) => {
      if (conv === '%') return '%';
      const arg = args[used++] ?? '';
      let s: string;
      if (conv === 's') s = precision !== undefined ? arg.slice(0, Number(precision)) : arg;
      else if (conv === 'b') s = backslashEscapes(arg, true)[0];
      else if (conv === 'c') s = arg.slice(0, 1);
      else {
        const n = arg === '' ? 0 : Number(arg.startsWith("'") || arg.startsWith('"') ? arg.charCodeAt(1) : arg);
        if (Number.isNaN(n)) {
          err.write(`printf: invalid number '${arg}'\n`);
          status = 1;
        }
        const v = Number.isNaN(n) ? 0 : n;
        if (conv === 'f' || conv === 'e' || conv === 'g') s = conv === 'e' ? v.toExponential(Number(precision ?? 6)) : v.toFixed(Number(precision ?? 6));
        else {
          const int = Math.trunc(v);
          s = conv === 'x' ? (int >>> 0).toString(16) : conv === 'X' ? (int >>> 0).toString(16).toUpperCase() : conv === 'o' ? (int >>> 0).toString(8) : String(int);
          if (flags.includes('+') && int >= 0) s = `+${s}`;
        }
      }
      const w = Number(width || 0);
      if (s.length >= w) return s;
      if (flags.includes('-')) return s.padEnd(w);
      return flags.includes('0') && conv !== 's' ? (s.startsWith('-') ? `-${s.slice(1).padStart(w - 1, '0')}` : s.padStart(w, '0')) : s.padStart(w);
    }), false);
    result += text;
    if (stop || used === before) break;
  } while (used < args.length);
  out.write(result);
  return status;
}

/** test is test(1) and `[`: file tests, string and integer comparisons, `!`, `-a`, `-o`. */
export function test(argv: string[], fs: ContainerFs, cwd: string, err: Output): number {
  let args = argv.slice(1);
  if (argv[0] === '[') {
    if (args.at(-1) !== ']') {
      err.write('[: missing ]\n');
      return 2;
    }
    args = args.slice(0, -1);
  }
  const unary = (op: string, a: string): boolean | undefined => {
    const path = resolvePath(cwd, a);
    switch (op) {
      case '-n': return a !== '';
      case '-z': return a === '';
      case '-e': return fs.kind(path) !== undefined;
      case '-f': return fs.kind(path) === 'file';
      case '-d': return fs.kind(path) === 'dir';
      case '-s': return fs.kind(path) === 'file' && fs.size(path) > 0;
      case '-r': case '-w': case '-x': return fs.kind(path) !== undefined;
      case '-L': case '-h': return false;
    }
    return undefined;
  };
  const binary = (a: string, op: string, b: string): boolean | undefined => {
    const int = (s: string): number => (/^\s*-?\d+\s*$/.test(s) ? Number(s) : NaN);
    switch (op) {
      case '=': case '==': return a === b;
      case '!=': return a !== b;
      case '-eq': return int(a) === int(b);
      case '-ne': return int(a) !== int(b);
      case '-lt': return int(a) < int(b);
      case '-le': return int(a) <= int(b);
      case '-gt': return int(a) > int(b);
      case '-ge': return int(a) >= int(b);
    }
    return undefined;
  };
  const evaluate = (xs: string[]): boolean | undefined => {
    const or = xs.indexOf('-o');
    if (or > 0) {
      const l = evaluate(xs.slice(0, or));
      const r = evaluate(xs.slice(or + 1));
      return l === undefined || r === undefined ? undefined : l || r;
    }
    const and = xs.indexOf('-a');
    if (and > 0 && xs.length > 3) {
      const l = evaluate(xs.slice(0, and));
      const r = evaluate(xs.slice(and + 1));
      return l === undefined || r === undefined ? undefined : l && r;
    }
    if (xs[0] === '!' && xs.length > 1) {
      const v = evaluate(xs.slice(1));
      return v === undefined ? undefined : !v;
    }
    if (xs.length === 0) return false;
    if (xs.length === 1) return xs[0] !== '';
    if (xs.length === 2) return unary(xs[0], xs[1]);
    if (xs.length === 3) {
      const bad = ['-eq', '-ne', '-lt', '-le', '-gt', '-ge'].includes(xs[1]) && [xs[0], xs[2]].find((v) => !/^\s*-?\d+\s*$/.test(v));
      if (bad !== undefined && bad !== false) {
        err.write(`${argv[0]}: ${bad}: bad number\n`);
        return undefined;
      }
      return binary(xs[0], xs[1], xs[2]);
    }
    return undefined;
  };
  const result = evaluate(args);
  return result === undefined ? 2 : result ? 0 : 1;
}

/** coreutils returns the programs of one userland; `programs` lets env run the others. */
export function coreutils(programs: () => ProgramTable): ProgramTable {
  const busybox = (p: Proc): boolean => p.system.userland === 'busybox';
  const table: ProgramTable = {
    ...textTools(),
    ...dnsTools(),
    ...httpTools(),
    kill: killApplet,
    true: () => Promise.resolve(0),
    false: () => Promise.resolve(1),
    echo: (p, argv) => Promise.resolve(echoBuiltin(busybox(p) ? 'ash' : 'bash', argv, p.stdout)),
    printf: (p, argv) => Promise.resolve(printf(argv, p.stdout, p.stderr)),
    test: (p, argv) => Promise.resolve(test(argv, p.system.fs, p.cwd, p.stderr)),
    '[': (p, argv) => Promise.resolve(test(argv, p.system.fs, p.cwd, p.stderr)),
    pwd: (p) => Promise.resolve(ok(p.stdout, `${p.cwd}\n`)),
    whoami: (p) => Promise.resolve(ok(p.stdout, 'root\n')),
    hostname: (p) => Promise.resolve(ok(p.stdout, `${p.system.hostname}\n`)),
    id: (p) => Promise.resolve(ok(p.stdout, busybox(p) ? 'uid=0(root) gid=0(root) groups=0(root),10(wheel)\n' : 'uid=0(root) gid=0(root) groups=0(root)\n')),
    cat: async (p, argv) => {
      const files = argv.slice(1).filter((a) => a !== '-u');
      let status = 0;
      for (const f of files.length ? files : ['-']) {
        // stdin is copied as it comes, so `cat` on a terminal echoes each line.
        if (f === '-') {
          for (let c = await p.stdin.read(); c && !p.signal.isFired; c = await p.stdin.read()) p.stdout.write(c);
        } else {
          status = Math.max(status, await inputs(p, 'cat', [f], (data) => p.stdout.write(data)));
        }
      }
      return status;
    },
    env: async (p, argv) => {
      const env = new Map(p.env);
      let i = 1;
      if (argv[i] === '-i' || argv[i] === '-') {
        env.clear();
        i++;
      }
      for (; i < argv.length && argv[i].includes('='); i++) {
        const eq = argv[i].indexOf('=');
        env.set(argv[i].slice(0, eq), argv[i].slice(eq + 1));
      }
      if (i >= argv.length) {
        for (const [k, v] of env) p.stdout.write(`${k}=${v}\n`);
        return 0;
      }
      const found = lookPath(p.system, env, argv[i], p.cwd);
      const program = found ? programs()[found.program] : undefined;
      if (!program) return fail(p, 'env', `can't execute '${argv[i]}': No such file or directory`, `'${argv[i]}': No such file or directory`, 127);
      const child = p.system.spawn(argv.slice(i));
      try {
        return await program({ ...p, env }, argv.slice(i));
      } finally {
        child.exit();
      }
    },
    printenv: (p, argv) => {
      if (argv.length === 1) {
        for (const [k, v] of p.env) p.stdout.write(`${k}=${v}\n`);
        return Promise.resolve(0);
      }
      let status = 0;
      for (const name of argv.slice(1)) {
        const v = p.env.get(name);
        if (v === undefined) status = 1;
        else p.stdout.write(`${v}\n`);
      }
      return Promise.resolve(status);
    },
    sleep: async (p, argv) => {
      if (argv.length < 2) return fail(p, 'sleep', 'missing operand', "missing operand\nTry 'sleep --help' for more information.");
      let ms = 0;
      for (const a of argv.slice(1)) {
        if (/^inf(inity)?$/i.test(a)) {
          ms = Infinity;
          continue;
        }
        const m = /^(\d*\.?\d+)([smhd]?)$/.exec(a);
        if (!m) return fail(p, 'sleep', `invalid number '${a}'`, `invalid time interval '${a}'\nTry 'sleep --help' for more information.`);
        ms += Number(m[1]) * { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
      }
      return (await sleepFor(p, ms)) ? 0 : 130;
    },
    ls: (p, argv) => Promise.resolve(ls(p, argv)),
    date: (p, argv) => Promise.resolve(ok(p.stdout, `${formatDate(p.system.clock.now(), argv.find((a) => a.startsWith('+'))?.slice(1))}\n`)),
    uname: (p, argv) => {
      const f = argv.slice(1).join('');
      const all = f.includes('a');
      const parts: string[] = [];
      if (all || f.includes('s') || !f) parts.push('Linux');
      if (all || f.includes('n')) parts.push(p.system.hostname);
      if (all || f.includes('r')) parts.push(p.system.kernelVersion);
      if (all || f.includes('v')) parts.push('#1 SMP PREEMPT_DYNAMIC');
      if (all || f.includes('m')) parts.push('x86_64');
      if (all) parts.push('GNU/Linux');
      return Promise.resolve(ok(p.stdout, `${parts.join(' ')}\n`));
    },
    seq: (p, argv) => {
      const nums = argv.slice(1).map(Number);
      const [first, step, last] = nums.length === 1 ? [1, 1, nums[0]] : nums.length === 2 ? [nums[0], 1, nums[1]] : [nums[0], nums[1], nums[2]];
      if (nums.some(Number.isNaN) || !nums.length) return Promise.resolve(fail(p, 'seq', 'invalid number', 'invalid floating point argument'));
      let out = '';
      for (let n = first; step > 0 ? n <= last : n >= last; n += step) out += `${n}\n`;
      return Promise.resolve(ok(p.stdout, out));
    },
    basename: (p, argv) => {
      let name = baseName(argv[1] ?? '');
      if (argv[2] && name.endsWith(argv[2]) && name !== argv[2]) name = name.slice(0, -argv[2].length);
      return Promise.resolve(ok(p.stdout, `${name}\n`));
    },
    dirname: (p, argv) => Promise.resolve(ok(p.stdout, `${(argv[1] ?? '.').includes('/') ? parent((argv[1] ?? '').replace(/\/+$/, '')) : '.'}\n`)),
    mkdir: (p, argv) => {
      const parents = argv.includes('-p');
      let status = 0;
      for (const d of argv.slice(1).filter((a) => !a.startsWith('-'))) {
        const err = p.system.fs.mkdir(resolvePath(p.cwd, d), parents);
        if (err) status = fail(p, 'mkdir', `can't create directory '${d}': ${err}`, `cannot create directory '${d}': ${err}`);
      }
      return Promise.resolve(status);
    },
    touch: (p, argv) => {
      let status = 0;
      for (const f of argv.slice(1).filter((a) => !a.startsWith('-'))) {
        const path = resolvePath(p.cwd, f);
        if (p.system.fs.kind(path)) continue;
        const err = p.system.fs.write(path, '');
        if (err) status = fail(p, 'touch', `${f}: ${err}`, `cannot touch '${f}': ${err}`);
      }
      return Promise.resolve(status);
    },
    rm: (p, argv) => {
      const flags = argv.slice(1).filter((a) => a.startsWith('-')).join('');
      let status = 0;
      for (const f of argv.slice(1).filter((a) => !a.startsWith('-'))) {
        const path = resolvePath(p.cwd, f);
        const kind = p.system.fs.kind(path);
        if (kind === 'dir' && !/[rR]/.test(flags)) {
          status = fail(p, 'rm', `'${f}' is a directory`, `cannot remove '${f}': Is a directory`);
          continue;
        }
        const err = p.system.fs.remove(path, true);
        if (err && !(err === 'No such file or directory' && flags.includes('f'))) status = fail(p, 'rm', `can't remove '${f}': ${err}`, `cannot remove '${f}': ${err}`);
      }
      return Promise.resolve(status);
    },
    tee: async (p, argv) => {
      const append = argv.includes('-a');
      const files = argv.slice(1).filter((a) => !a.startsWith('-')).map((f) => resolvePath(p.cwd, f));
      for (const f of files) p.system.fs.write(f, '', append);
      for (let chunk = await p.stdin.read(); chunk && !p.signal.isFired; chunk = await p.stdin.read()) {
        p.stdout.write(chunk);
        for (const f of files) p.system.fs.write(f, chunk, true);
      }
      return 0;
    },
    which: (p, argv) => {
      let status = 0;
      for (const name of argv.slice(1)) {
        const found = lookPath(p.system, p.env, name, p.cwd);
        if (found) p.stdout.write(`${found.path}\n`);
        else status = 1;
      }
      return Promise.resolve(status);
    },
    yes: async (p, argv) => {
      const line = `${argv.slice(1).join(' ') || 'y'}\n`;
      for (let i = 1; !p.signal.isFired; i++) {
        p.stdout.write(line);
        await (i % 1000 === 0 ? sleepFor(p, 1) : Promise.resolve());
      }
      return 141;
    },
    ps: (p) => {
      let out = 'PID   USER     TIME  COMMAND\n';
      for (const proc of p.system.processes()) out += `${String(proc.pid).padStart(5)} root      0:00 ${proc.argv.join(' ')}\n`;
      return Promise.resolve(ok(p.stdout, out));
    },
  };
  return table;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** formatDate is date(1) in UTC: the default `Thu Jan  1 00:00:00 UTC 2026`, or a `+FORMAT`. */
export function formatDate(ms: number, format = '%a %b %e %H:%M:%S %Z %Y'): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  const codes: Record<string, string> = {
    a: DAYS[d.getUTCDay()], b: MONTHS[d.getUTCMonth()], e: String(d.getUTCDate()).padStart(2), d: two(d.getUTCDate()), m: two(d.getUTCMonth() + 1),
    Y: String(d.getUTCFullYear()), H: two(d.getUTCHours()), M: two(d.getUTCMinutes()), S: two(d.getUTCSeconds()), Z: 'UTC', z: '+0000',
    s: String(Math.floor(ms / 1000)), N: String(d.getUTCMilliseconds() * 1_000_000).padStart(9, '0'), n: '\n', t: '\t', '%': '%',
  };
  codes.T = `${codes.H}:${codes.M}:${codes.S}`;
  codes.F = `${codes.Y}-${codes.m}-${codes.d}`;
  codes.D = `${codes.m}/${codes.d}/${codes.Y.slice(2)}`;
  return format.replace(/%(.)/g, (m, c: string) => codes[c] ?? m);
}

function ls(p: Proc, argv: string[]): number {
  const flags = argv.slice(1).filter((a) => /^-[a-zA-Z1]+$/.test(a)).join('');
  const targets = argv.slice(1).filter((a) => !/^-[a-zA-Z1]+$/.test(a));
  const fs = p.system.fs;
  const all = flags.includes('a');
  const almost = flags.includes('A');
  const long = flags.includes('l');
  const busybox = p.system.userland === 'busybox';
  let status = 0;
  const render = (names: string[], dir: string): string => {
    if (long) {
      const rows = names.map((n) => {
        const path = n === '.' ? dir : n === '..' ? parent(dir) : resolvePath(dir, n);
        const isDir = fs.kind(path) === 'dir';
        const size = fs.size(path);
        return `${isDir ? 'drwxr-xr-x' : '-rw-r--r--'} ${busybox ? '   ' : ''}${isDir ? 2 : 1} root ${busybox ? '    ' : ''}root ${busybox ? '    ' : ''}${String(size).padStart(busybox ? 8 : 4)} ${formatDate(p.system.clock.now(), '%b %e %H:%M')} ${n}`;
      });
      return `${busybox ? '' : `total ${Math.ceil(names.length * 4)}\n`}${rows.map((r) => `${r}\n`).join('')}`;
    }
    if (!p.tty || flags.includes('1')) return names.map((n) => `${n}\n`).join('');
    return columns(names, p.tty.columns);
  };
  const files = targets.length ? targets : ['.'];
  const dirs: string[] = [];
  const plain: string[] = [];
  for (const t of files) {
    const path = resolvePath(p.cwd, t);
    const kind = fs.kind(path);
    if (!kind) {
      p.stderr.write(busybox ? `ls: ${t}: No such file or directory\n` : `ls: cannot access '${t}': No such file or directory\n`);
      status = busybox ? 1 : 2;
    } else if (kind === 'dir' && !flags.includes('d')) dirs.push(t);
    else plain.push(t);
  }
  let out = plain.length ? render(plain, p.cwd) : '';
  for (const d of dirs) {
    const path = resolvePath(p.cwd, d);
    const names = (fs.list(path) ?? []).filter((n) => all || almost || !n.startsWith('.'));
    if (all) names.unshift('.', '..');
    if (files.length > 1) out += `${out ? '\n' : ''}${d}:\n`;
    out += render(names, path);
  }
  p.stdout.write(out);
  return status;
}

/** columns lays names out down then across, as ls does for a terminal of the given width. */
function columns(names: string[], width: number): string {
  if (!names.length) return '';
  const colWidth = Math.max(...names.map((n) => n.length)) + 2;
  const perRow = Math.max(1, Math.floor(width / colWidth));
  const rows = Math.ceil(names.length / perRow);
  let out = '';
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c * rows + r < names.length; c++) cells.push(names[c * rows + r]);
    out += `${cells.map((n, i) => (i === cells.length - 1 ? n : n.padEnd(colWidth))).join('')}\n`;
  }
  return out;
}
