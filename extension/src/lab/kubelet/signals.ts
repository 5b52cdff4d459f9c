/**
 * signals are how the simulated processes receive Linux signals other than
 * the SIGKILL and ^C their Interrupt carries: SIGTERM from the runtime when
 * the kubelet stops a container, `kill` from a shell. A process that catches
 * signals (a shell with a `trap`) decides what each one does; otherwise the
 * default action applies: most signals end the process with 128 + the
 * signal's number (SIGTERM: 143), a few are ignored. A PID namespace's init
 * (a container's PID 1) is spared every signal it has no handler for, and a
 * signal sent from inside its namespace cannot even SIGKILL it.
 */

/** SIGNALS are the Linux (x86) signal numbers, by name without SIG. */
export const SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15,
  STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, PWR: 30, SYS: 31,
};

export const SIGKILL = 9;
export const SIGTERM = 15;

/** IGNORED_BY_DEFAULT are the signals whose default action does nothing; the stop signals join them, as the lab has no job control. */
const IGNORED_BY_DEFAULT = new Set([SIGNALS.CHLD, SIGNALS.CONT, SIGNALS.URG, SIGNALS.WINCH, SIGNALS.STOP, SIGNALS.TSTP, SIGNALS.TTIN, SIGNALS.TTOU]);

/** signalNumber reads a signal as the shells' builtins take it: a name with or without SIG in any case, or a number; undefined if it is neither. */
export function signalNumber(spec: string): number | undefined {
  if (/^\d+$/.test(spec)) {
    const n = Number(spec);
    return n >= 0 && n <= 64 ? n : undefined;
  }
  const name = spec.toUpperCase().replace(/^SIG/, '');
  return SIGNALS[name];
}

/** signalName is a signal's name without SIG, or undefined for a number Linux does not name. */
export function signalName(n: number): string | undefined {
  return Object.keys(SIGNALS).find((k) => SIGNALS[k] === n);
}

/** Disposition is what a catching process made of a signal: it ran (or queued) its handler, ignores it, or leaves it to the default action. */
export type Disposition = 'caught' | 'ignored' | 'default';

/**
 * ProcessSignals is one process's signal delivery. die ends the process,
 * killed by the signal; init marks a PID namespace's init.
 */
export class ProcessSignals {
  private catcher?: (signal: number) => Disposition;

  constructor(private readonly init: boolean, private readonly die: (signal: number) => void) {}

  /** catch installs the process's handler (a shell's traps); the result removes it again. */
  catch(fn: (signal: number) => Disposition): () => void {
    this.catcher = fn;
    return () => {
      if (this.catcher === fn) this.catcher = undefined;
    };
  }

  /**
   * send delivers signal; fromInside says it comes from a process of the same
   * PID namespace (`kill 1` in `kubectl exec`), not from the runtime.
   */
  send(signal: number, fromInside = false): void {
    if (signal === 0) return;
    if (signal === SIGKILL || signal === SIGNALS.STOP) {
      if (!(this.init && fromInside) && signal === SIGKILL) this.die(signal);
      return;
    }
    if ((this.catcher?.(signal) ?? 'default') !== 'default') return;
    if (this.init || IGNORED_BY_DEFAULT.has(signal)) return;
    this.die(signal);
  }
}
