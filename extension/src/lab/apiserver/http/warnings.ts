/**
 * warnings renders a response's warnings as `Warning` header values, as
 * apiserver's warning recorder (endpoints/filters/warning.go) and
 * apimachinery's NewWarningHeader (util/net/http.go) do: `299 - "<text>"` with
 * `"` and `\` escaped, duplicates dropped, texts with control characters
 * dropped, and once the texts pass 4096 runes in all, every text cut to 256
 * runes and the ones past the limit left out.
 */

/** The recorder's limits, in runes. */
export const TRUNCATE_AT_TOTAL_RUNES = 4 * 1024;
export const TRUNCATE_ITEM_RUNES = 256;

/** warningHeaders returns the Warning header values for texts, in order. */
export function warningHeaders(texts: readonly string[], limits = { total: TRUNCATE_AT_TOTAL_RUNES, item: TRUNCATE_ITEM_RUNES }): string[] {
  const recorded = new Set<string>();
  const ordered: string[] = [];
  let headers: string[] = [];
  let written = 0;
  let truncating = false;
  const cut = (text: string): string => (runes(text) > limits.item ? [...text].slice(0, limits.item).join('') : text);
  for (const original of texts) {
    if (!original || (written >= limits.total && truncating) || recorded.has(original)) continue;
    recorded.add(original);
    ordered.push(original);
    const text = truncating ? cut(original) : original;
    const header = warningHeader(text);
    if (header === undefined) continue;
    if (written + runes(text) <= limits.total || truncating) {
      written += runes(text);
      headers.push(header);
      continue;
    }
    // Over the limit for the first time: replay everything so far, each text cut to the item limit.
    truncating = true;
    written = 0;
    headers = [];
    for (const earlier of ordered) {
      const short = cut(earlier);
      const replayed = warningHeader(short);
      if (replayed === undefined) continue;
      written += runes(short);
      headers.push(replayed);
    }
  }
  return headers;
}

/** warningHeader is NewWarningHeader(299, "", text), or undefined when text has control characters. */
export function warningHeader(text: string): string | undefined {
  if (/\p{Cc}/u.test(text)) return undefined;
  return `299 - "${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

function runes(text: string): number {
  return [...text].length;
}
