/**
 * shellInput is how the simulated shell reads commands from stdin: line by
 * line with prompts on a terminal, asking for more (PS2) while a command is
 * unfinished, or as a script piped in; and how each shell words a script it
 * cannot read.
 */
import { INTERRUPTED_STATUS } from './process';
import type { Shell } from './shell';
import type { List } from './shellAst';
import { ShellSyntaxError, parseScript } from './shellParser';
import { ExitSignal, LoopSignal } from './shellSignals';

/**
 * runInput reads commands from stdin: interactively (prompts, a new
 * foreground process group per line, errors that do not end the shell) or as
 * a script piped in.
 */
export async function runInput(sh: Shell, interactive: boolean): Promise<number> {
  return sh.exitWith(await readCommands(sh, interactive));
}

async function readCommands(sh: Shell, interactive: boolean): Promise<number> {
  sh.interactive = interactive;
  const tty = sh.proc.tty;
  const previousHandler = tty?.onInterrupt;
  if (tty && interactive) tty.onInterrupt = () => sh.signal.fire();
  let pending = '';
  try {
    for (;;) {
      if (sh.proc.signal.isFired) return sh.status;
      if (interactive) sh.proc.stderr.write(pending ? (sh.vars.get('PS2') ?? '> ') : prompt(sh));
      const line = await sh.proc.stdin.readLine();
      if (sh.proc.signal.isFired) return sh.status;
      if (line === null) {
        if (interactive && sh.dialect === 'bash') sh.proc.stderr.write('exit\n');
        return sh.status;
      }
      if (interactive && line === '' && !pending) continue;
      pending += `${line}\n`;
      let list: List;
      try {
        list = parseScript(pending);
      } catch (err) {
        if (!(err instanceof ShellSyntaxError)) throw err;
        if (err.incomplete) continue;
        sh.proc.stderr.write(syntaxMessage(sh, err));
        pending = '';
        sh.status = 2;
        if (!interactive) return 2;
        continue;
      }
      pending = '';
      if (sh.signal !== sh.proc.signal) sh.signal.release();
      sh.signal = sh.proc.signal.child();
      try {
        sh.status = await sh.runList(list, sh.io());
      } catch (err) {
        if (err instanceof ExitSignal) {
          if (interactive && sh.dialect === 'bash') sh.proc.stderr.write('exit\n');
          return err.status;
        }
        if (!(err instanceof LoopSignal)) throw err;
      }
      if (sh.signal.isFired && interactive) sh.status = INTERRUPTED_STATUS;
      sh.lineNo++;
    }
  } finally {
    if (tty && interactive) tty.onInterrupt = previousHandler;
  }
}

/** prompt is PS1 as each shell shows it to root by default. */
function prompt(sh: Shell): string {
  const ps1 = sh.vars.get('PS1');
  const home = sh.vars.get('HOME') ?? '/root';
  const cwd = sh.cwdPath === home ? '~' : sh.cwdPath.startsWith(`${home}/`) ? `~${sh.cwdPath.slice(home.length)}` : sh.cwdPath;
  if (ps1 !== undefined) return ps1.replace(/\\w/g, cwd).replace(/\\h/g, sh.proc.system.hostname.split('.')[0]).replace(/\\u/g, 'root').replace(/\\\$/g, '#');
  switch (sh.dialect) {
    case 'ash': return `${cwd} # `;
    case 'dash': return '# ';
    case 'bash': return `root@${sh.proc.system.hostname.split('.')[0]}:${cwd}# `;
  }
}

/** syntaxMessage is how each shell reports a script it cannot read. */
export function syntaxMessage(sh: Shell, err: ShellSyntaxError): string {
  const eof = err.token === 'end of file';
  const unterminated = err.message.includes('unterminated');
  switch (sh.dialect) {
    case 'ash':
      return `${sh.name}: ${err.message}\n`;
    case 'dash':
      return `${sh.name}: ${sh.lineNo}: Syntax error: ${unterminated ? 'Unterminated quoted string' : eof ? 'end of file unexpected' : `"${err.token}" unexpected`}\n`;
    case 'bash':
      return `${sh.errorPrefix()}${eof || unterminated ? 'syntax error: unexpected end of file' : `syntax error near unexpected token \`${err.token}'`}\n`;
  }
}
