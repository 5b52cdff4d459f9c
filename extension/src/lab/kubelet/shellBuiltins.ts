/**
 * shellBuiltins are the commands the simulated shell runs itself rather than
 * as programs, common to busybox ash, dash and bash: cd, exit, export, read,
 * set, eval, `.`, type, command and the rest.
 */
import { resolvePath } from './containerFs';
import { echoBuiltin, printf, test } from './coreutils';
import { lookPath } from './process';
import type { Shell } from './shell';
import { killBuiltin, trapBuiltin, waitBuiltin } from './shellTraps';
import { ExitSignal, type Io, LoopSignal } from './shellSignals';

type Builtin = (sh: Shell, argv: string[], io: Io) => Promise<number> | number;

/** BUILTINS are the commands the shell runs itself, by name. */
export const BUILTINS: Record<string, Builtin> = {
  ':': () => 0,
  true: () => 0,
  false: () => 1,
  echo: (sh, argv, io) => echoBuiltin(sh.dialect, argv, io.stdout),
  printf: (_sh, argv, io) => printf(argv, io.stdout, io.stderr),
  test: (sh, argv, io) => test(argv, sh.proc.system.fs, sh.cwdPath, io.stderr),
  '[': (sh, argv, io) => test(argv, sh.proc.system.fs, sh.cwdPath, io.stderr),
  pwd: (sh, _argv, io) => {
    io.stdout.write(`${sh.cwdPath}\n`);
    return 0;
  },
  cd: (sh, argv, io) => {
    const arg = argv[1];
    if (arg === '-') {
      const old = sh.vars.get('OLDPWD') ?? sh.cwdPath;
      const status = sh.changeDirectory(old, io);
      if (status === 0) io.stdout.write(`${sh.cwdPath}\n`);
      return status;
    }
    return sh.changeDirectory(arg ?? sh.home(), io);
  },
  exit: (sh, argv) => {
    throw new ExitSignal(argv[1] === undefined ? sh.status : (Number(argv[1]) & 0xff) || 0);
  },
  break: (_sh, argv) => {
    throw new LoopSignal('break', Number(argv[1] ?? 1) || 1);
  },
  continue: (_sh, argv) => {
    throw new LoopSignal('continue', Number(argv[1] ?? 1) || 1);
  },
  export: (sh, argv, io) => {
    const args = argv.slice(1).filter((a) => a !== '-p');
    if (!args.length) {
      const names = [...sh.exported].filter((n) => sh.vars.has(n)).sort();
      for (const n of names) io.stdout.write(sh.dialect === 'bash' ? `declare -x ${n}="${sh.vars.get(n)}"\n` : `export ${n}='${(sh.vars.get(n) ?? '').replace(/'/g, "'\"'\"'")}'\n`);
      return 0;
    }
    for (const a of args) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (eq >= 0) sh.vars.set(name, a.slice(eq + 1));
      sh.exported.add(name);
    }
    return 0;
  },
  local: (sh, argv) => {
    for (const a of argv.slice(1)) {
      const eq = a.indexOf('=');
      sh.vars.set(eq < 0 ? a : a.slice(0, eq), eq < 0 ? (sh.vars.get(a) ?? '') : a.slice(eq + 1));
    }
    return 0;
  },
  unset: (sh, argv) => {
    for (const a of argv.slice(1)) {
      if (a.startsWith('-')) continue;
      sh.vars.delete(a);
      sh.exported.delete(a);
    }
    return 0;
  },
  set: (sh, argv, io) => {
    if (argv.length === 1) {
      for (const [k, v] of [...sh.vars].sort(([a], [b]) => (a < b ? -1 : 1))) io.stdout.write(`${k}='${v}'\n`);
      return 0;
    }
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i];
      if (a === '--') {
        sh.positionalArgs = argv.slice(i + 1);
        return 0;
      }
      if (!/^[-+]/.test(a)) {
        sh.positionalArgs = argv.slice(i);
        return 0;
      }
      for (const f of a.slice(1)) {
        if (f === 'e') sh.flags.errexit = a[0] === '-';
        if (f === 'x') sh.flags.xtrace = a[0] === '-';
      }
    }
    return 0;
  },
  shift: (sh, argv) => {
    const n = Number(argv[1] ?? 1);
    if (n > sh.positionalArgs.length) return 1;
    sh.positionalArgs = sh.positionalArgs.slice(n);
    return 0;
  },
  eval: (sh, argv, io) => sh.evaluate(argv.slice(1).join(' '), io),
  '.': async (sh, argv, io) => {
    const file = argv[1] === undefined ? undefined : sh.proc.system.fs.read(resolvePath(sh.cwdPath, argv[1]));
    if (!file || typeof file === 'string') {
      io.stderr.write(`${sh.errorPrefix()}.: ${argv[1] ?? ''}: not found\n`);
      return sh.dialect === 'bash' ? 1 : 2;
    }
    return sh.evaluate(file.toString(), io);
  },
  read: async (sh, argv, io) => {
    let raw = false;
    const names: string[] = [];
    for (let i = 1; i < argv.length; i++) {
      if (argv[i] === '-r') raw = true;
      else if (argv[i] === '-p') io.stderr.write(argv[++i] ?? '');
      else names.push(argv[i]);
    }
    let line = await io.stdin.readLine();
    if (line === null) return 1;
    if (!raw) line = line.replace(/\\(.)/g, '$1');
    const targets = names.length ? names : ['REPLY'];
    const fields = targets.length === 1 ? [line.trim()] : line.trim().split(/[ \t]+/);
    targets.forEach((name, i) => sh.vars.set(name, i === targets.length - 1 ? fields.slice(i).join(' ') : (fields[i] ?? '')));
    return 0;
  },
  exec: async (sh, argv, io) => {
    if (argv.length === 1) return 0;
    const status = await sh.runExternal(argv.slice(1), io, sh.exportedEnv());
    throw new ExitSignal(status);
  },
  wait: waitBuiltin,
  trap: trapBuiltin,
  kill: killBuiltin,
  umask: (_sh, argv, io) => {
    if (argv.length === 1) io.stdout.write('0022\n');
    return 0;
  },
  type: (sh, argv, io) => {
    let status = 0;
    for (const name of argv.slice(1)) {
      if (BUILTINS[name]) io.stdout.write(`${name} is a shell builtin\n`);
      else {
        const found = lookPath(sh.proc.system, sh.exportedEnv(), name, sh.cwdPath);
        if (found) io.stdout.write(`${name} is ${found.path}\n`);
        else {
          io.stdout.write(sh.dialect === 'bash' ? '' : `${name}: not found\n`);
          if (sh.dialect === 'bash') io.stderr.write(`${sh.errorPrefix()}type: ${name}: not found\n`);
          status = 1;
        }
      }
    }
    return status;
  },
  command: async (sh, argv, io) => {
    if (argv[1] === '-v' || argv[1] === '-V') {
      let status = 0;
      for (const name of argv.slice(2)) {
        if (BUILTINS[name]) io.stdout.write(`${name}\n`);
        else {
          const found = lookPath(sh.proc.system, sh.exportedEnv(), name, sh.cwdPath);
          if (found) io.stdout.write(`${found.path}\n`);
          else status = 1;
        }
      }
      return status;
    }
    const rest = argv.slice(1);
    if (!rest.length) return 0;
    const builtin = BUILTINS[rest[0]];
    return builtin ? builtin(sh, rest, io) : sh.runExternal(rest, io, sh.exportedEnv());
  },
};
