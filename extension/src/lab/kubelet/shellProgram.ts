/**
 * shellProgram is the simulated containers' shell binaries (`sh`, `ash`,
 * `dash`, `bash`) as programs: the command line's options (-c, -i, -e, -x),
 * then a -c string, a script file, or commands read from stdin.
 */
import { resolvePath } from './containerFs';
import type { ProgramTable } from './coreutils';
import type { Proc, Program, ShellDialect } from './process';
import { Shell } from './shell';
import { runInput } from './shellInput';
import { SIGNALS } from './signals';

/** shellProgram is the Program of a shell binary of the given dialect (`sh`, `ash`, `bash`). */
export function shellProgram(dialect: ShellDialect, programs: () => ProgramTable): Program {
  return async (proc, argv) => {
    const argv0 = argv[0] ?? 'sh';
    const name = argv0.slice(argv0.lastIndexOf('/') + 1);
    let command: string | undefined;
    let forceInteractive = false;
    const flags = { errexit: false, xtrace: false };
    let i = 1;
    for (; i < argv.length; i++) {
      const a = argv[i];
      if (a === '--') {
        i++;
        break;
      }
      if (!/^[-+][a-zA-Z]+$/.test(a)) break;
      for (const f of a.slice(1)) {
        if (f === 'c') command = '';
        else if (f === 'i') forceInteractive = true;
        else if (f === 'e') flags.errexit = a[0] === '-';
        else if (f === 'x') flags.xtrace = a[0] === '-';
      }
    }
    const rest = argv.slice(i);
    const shell = new Shell(proc, dialect, programs, name, flags);
    // The shell catches the signals its traps name; the others take their default action, but an interactive shell ignores SIGTERM and SIGQUIT.
    const uncatch = proc.signals?.catch((n) => (shell.interactive && (n === SIGNALS.TERM || n === SIGNALS.QUIT) && !shell.traps.actions.has(n) ? 'ignored' : shell.traps.receive(n)));
    try {
      return await runShell(shell, proc, dialect, name, command, rest, forceInteractive);
    } finally {
      uncatch?.();
    }
  };
}

/** runShell runs what the command line asks: a -c string, a script file, or stdin. */
async function runShell(shell: Shell, proc: Proc, dialect: ShellDialect, name: string, command: string | undefined, rest: string[], forceInteractive: boolean): Promise<number> {
  if (command !== undefined) {
    if (!rest.length) {
      proc.stderr.write(dialect === 'bash' ? `${name}: -c: option requires an argument\n` : `${name}: -c requires an argument\n`);
      return 2;
    }
    shell.positionalArgs = rest.slice(2);
    if (rest.length > 1) shell.dollarZero = rest[1];
    return shell.runSource(rest[0]);
  }
  if (rest.length) {
    const file = proc.system.fs.read(resolvePath(proc.cwd, rest[0]));
    if (typeof file === 'string') {
      proc.stderr.write(dialect === 'dash' ? `${name}: 0: cannot open ${rest[0]}: No such file\n` : dialect === 'bash' ? `${name}: ${rest[0]}: No such file or directory\n` : `${name}: can't open '${rest[0]}': No such file or directory\n`);
      return dialect === 'bash' ? 127 : 2;
    }
    shell.dollarZero = rest[0];
    shell.positionalArgs = rest.slice(1);
    return shell.runSource(file.toString());
  }
  return runInput(shell, forceInteractive || proc.tty !== undefined);
}
