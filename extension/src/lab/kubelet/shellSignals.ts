/**
 * shellSignals are how the simulated shell unwinds: `exit`, `break` and
 * `continue`, and an expansion that fails, each thrown from deep in the
 * interpreter and caught where the shell language says it lands.
 */
import type { Output } from './pipe';
import type { Reader } from './process';

/** Io is a command's three standard streams. */
export interface Io {
  stdin: Reader;
  stdout: Output;
  stderr: Output;
}

/** ExitSignal unwinds the shell on `exit` (and on errors under `set -e`). */
export class ExitSignal extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
  }
}

/** LoopSignal unwinds to the enclosing loop on `break` and `continue`. */
export class LoopSignal extends Error {
  constructor(readonly kind: 'break' | 'continue', public levels: number) {
    super(kind);
  }
}

/** ExpansionError stops the command whose word could not be expanded. */
export class ExpansionError extends Error {}
