/**
 * textTools are the simulated images' filters — head, tail, wc, grep, sort,
 * uniq, tr, cut — and the helpers every tool shares: reading its files or
 * stdin, and reporting an error in busybox's or GNU's words.
 */
import { resolvePath } from './containerFs';
import type { ProgramTable } from './coreutils';
import type { Proc } from './process';

/** fail reports a tool's error in its userland's words and returns its status. */
export function fail(p: Proc, tool: string, busyboxText: string, gnuText: string, status = 1): number {
  p.stderr.write(`${tool}: ${p.system.userland === 'busybox' ? busyboxText : gnuText}\n`);
  return status;
}

/** inputs reads each file named (or stdin for none or `-`), reporting what cannot be read; it resolves with the tool's status. */
export async function inputs(p: Proc, tool: string, files: string[], each: (data: Buffer, name: string) => void | Promise<void>): Promise<number> {
  let status = 0;
  for (const f of files.length ? files : ['-']) {
    if (f === '-') {
      await each(await readAll(p), '-');
      continue;
    }
    const data = p.system.fs.read(resolvePath(p.cwd, f));
    if (typeof data === 'string') {
      status = fail(p, tool, data === 'Is a directory' ? `read error: ${data}` : `can't open '${f}': ${data}`, `${f}: ${data}`);
      continue;
    }
    await each(data, f);
  }
  return status;
}

/** readAll reads stdin to its end (or until the process is interrupted). */
export async function readAll(p: Proc): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for (let c = await p.stdin.read(); c && !p.signal.isFired; c = await p.stdin.read()) chunks.push(c);
  return Buffer.concat(chunks);
}

/** splitLines splits text into its lines, a final newline ending the last rather than starting another. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** textTools returns the filters' programs. */
export function textTools(): ProgramTable {
  return {
    head: (p, argv) => headTail(p, argv, 'head'),
    tail: (p, argv) => headTail(p, argv, 'tail'),
    wc: async (p, argv) => {
      const flags = argv.slice(1).filter((a) => a.startsWith('-') && a !== '-').join('');
      const files = argv.slice(1).filter((a) => !a.startsWith('-') || a === '-');
      const show = flags ? { l: flags.includes('l'), w: flags.includes('w'), c: flags.includes('c') } : { l: true, w: true, c: true };
      const lines: string[] = [];
      const status = await inputs(p, 'wc', files, (data, name) => {
        const text = data.toString();
        const counts = [show.l ? (text.match(/\n/g) ?? []).length : undefined, show.w ? (text.match(/\S+/g) ?? []).length : undefined, show.c ? data.length : undefined].filter((n) => n !== undefined);
        const width = counts.length > 1 ? 7 : 1;
        lines.push(`${counts.map((n) => String(n).padStart(width)).join(' ')}${files.length ? ` ${name}` : ''}`.trimStart());
      });
      for (const l of lines) p.stdout.write(`${l}\n`);
      return status;
    },
    grep: (p, argv) => grep(p, argv),
    sort: async (p, argv) => {
      const flags = argv.slice(1).filter((a) => /^-[a-z]+$/.test(a)).join('');
      const files = argv.slice(1).filter((a) => !/^-[a-z]+$/.test(a));
      let lines: string[] = [];
      const status = await inputs(p, 'sort', files, (data) => void lines.push(...splitLines(data.toString())));
      lines.sort(flags.includes('n') ? (a, b) => (parseFloat(a) || 0) - (parseFloat(b) || 0) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
      if (flags.includes('r')) lines.reverse();
      if (flags.includes('u')) lines = lines.filter((l, i) => i === 0 || l !== lines[i - 1]);
      for (const l of lines) p.stdout.write(`${l}\n`);
      return status;
    },
    uniq: async (p, argv) => {
      const count = argv.includes('-c');
      const data = await readAll(p);
      const groups: [string, number][] = [];
      for (const l of splitLines(data.toString())) {
        const last = groups.at(-1);
        if (last && last[0] === l) last[1]++;
        else groups.push([l, 1]);
      }
      for (const [l, n] of groups) p.stdout.write(count ? `${String(n).padStart(7)} ${l}\n` : `${l}\n`);
      return 0;
    },
    tr: async (p, argv) => {
      const del = argv[1] === '-d';
      const sets = argv.slice(del ? 2 : 1).map(expandSet);
      const data = (await readAll(p)).toString();
      let out = '';
      for (const c of data) {
        const i = sets[0]?.indexOf(c) ?? -1;
        if (i < 0) out += c;
        else if (!del) out += sets[1]?.[Math.min(i, (sets[1]?.length ?? 1) - 1)] ?? c;
      }
      p.stdout.write(out);
      return 0;
    },
    cut: async (p, argv) => {
      let delim = '\t';
      let fields: number[] = [];
      let chars: number[] | undefined;
      for (let i = 1; i < argv.length; i++) {
        const a = argv[i];
        const value = (fallback: string): string => (a.length > 2 ? a.slice(2) : (argv[++i] ?? '')) || fallback;
        if (a.startsWith('-d')) delim = value('\t');
        else if (a.startsWith('-f')) fields = ranges(value('1'));
        else if (a.startsWith('-c')) chars = ranges(value('1'));
      }
      const data = (await readAll(p)).toString();
      for (const l of splitLines(data)) {
        if (chars) p.stdout.write(`${chars.map((n) => l[n - 1] ?? '').join('')}\n`);
        else p.stdout.write(`${l.includes(delim) ? l.split(delim).filter((_, i) => fields.includes(i + 1)).join(delim) : l}\n`);
      }
      return 0;
    },
  };
}

/** expandSet expands tr's ranges and classes (`a-z`, `[:upper:]`) into their characters. */
function expandSet(set: string): string {
  const classes: Record<string, string> = { '[:lower:]': 'a-z', '[:upper:]': 'A-Z', '[:digit:]': '0-9' };
  const s = set.replace(/\[:\w+:\]/g, (m) => classes[m] ?? m);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i + 1] === '-' && s[i + 2] !== undefined) {
      for (let c = s.charCodeAt(i); c <= s.charCodeAt(i + 2); c++) out += String.fromCharCode(c);
      i += 2;
    } else out += s[i];
  }
  return out;
}

/** ranges reads cut's list (`1,3-5,7-`) into the positions it names. */
function ranges(spec: string): number[] {
  const out: number[] = [];
  for (const r of spec.split(',')) {
    const [a, b] = r.split('-');
    const from = Number(a || 1);
    const to = r.includes('-') ? Number(b || 1000) : from;
    for (let n = from; n <= to; n++) out.push(n);
  }
  return out;
}

async function headTail(p: Proc, argv: string[], tool: 'head' | 'tail'): Promise<number> {
  let n = 10;
  const files: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-n') n = Number(argv[++i]);
    else if (/^-n\d+$/.test(a)) n = Number(a.slice(2));
    else if (/^-\d+$/.test(a)) n = Number(a.slice(1));
    else files.push(a);
  }
  if (tool === 'head' && !files.length) {
    // head stops reading once it has its lines: what writes into it then gets SIGPIPE.
    for (let line = n > 0 ? await p.stdin.readLine() : null, count = 1; line !== null && !p.signal.isFired; line = count < n ? await p.stdin.readLine() : null, count++) {
      p.stdout.write(`${line}\n`);
    }
    return 0;
  }
  return inputs(p, tool, files, (data, name) => {
    if (files.length > 1) p.stdout.write(`==> ${name} <==\n`);
    const lines = data.toString().split(/(?<=\n)/);
    p.stdout.write((tool === 'head' ? lines.slice(0, n) : lines.slice(Math.max(0, lines.length - n))).join(''));
  });
}

async function grep(p: Proc, argv: string[]): Promise<number> {
  const flags = new Set<string>();
  let pattern: string | undefined;
  const files: string[] = [];
  for (const a of argv.slice(1)) {
    if (pattern === undefined && /^-[a-zA-Z]+$/.test(a)) for (const f of a.slice(1)) flags.add(f);
    else if (pattern === undefined) pattern = a;
    else files.push(a);
  }
  if (pattern === undefined) {
    p.stderr.write(p.system.userland === 'busybox' ? 'BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n' : "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
    return 2;
  }
  let source = pattern;
  // A basic regular expression's \( \) \{ \} \| \+ \? are the extended ones' operators, and its bare ( ) { } | + ? are literal.
  if (flags.has('F')) source = pattern.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  else if (!flags.has('E')) source = pattern.replace(/\\([(){}|+?])|([(){}|+?])/g, (_m, escaped: string | undefined, plain: string | undefined) => (escaped ?? `\\${plain ?? ''}`));
  let re: RegExp;
  try {
    re = new RegExp(source, flags.has('i') ? 'i' : '');
  } catch {
    p.stderr.write(`grep: bad regex '${pattern}'\n`);
    return 2;
  }
  let matched = 0;
  const status = await inputs(p, 'grep', files, (data, name) => {
    let count = 0;
    splitLines(data.toString()).forEach((line, i) => {
      if (re.test(line) === flags.has('v')) return;
      count++;
      matched++;
      if (flags.has('q') || flags.has('c')) return;
      const prefix = `${files.length > 1 ? `${name}:` : ''}${flags.has('n') ? `${i + 1}:` : ''}`;
      p.stdout.write(`${prefix}${flags.has('o') ? (re.exec(line)?.[0] ?? '') : line}\n`);
    });
    if (flags.has('c')) p.stdout.write(`${files.length > 1 ? `${name}:` : ''}${count}\n`);
  });
  if (status) return flags.has('q') && matched ? 0 : 2;
  return matched ? 0 : 1;
}
