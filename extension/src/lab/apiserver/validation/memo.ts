/**
 * memo keeps the answers of pure functions of short strings that every write
 * asks again (quantities, image references): a cluster uses the same few values
 * over and over.
 */

/** MEMO_ENTRIES bounds a memo; past it, the memo starts over. */
const MEMO_ENTRIES = 4096;
/** MEMO_TEXT is the longest text a memo keeps: a long value is rare and not worth holding on to. */
const MEMO_TEXT = 64;

/** Memo remembers fn's answer per text. Answers are shared between callers, so they must be immutable. */
export class Memo<T> {
  private readonly answers = new Map<string, T>();

  constructor(private readonly fn: (text: string) => T) {}

  get(text: string): T {
    if (this.answers.has(text)) return this.answers.get(text) as T;
    const answer = this.fn(text);
    if (text.length <= MEMO_TEXT) {
      if (this.answers.size >= MEMO_ENTRIES) this.answers.clear();
      this.answers.set(text, answer);
    }
    return answer;
  }
}
