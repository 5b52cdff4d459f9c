/**
 * quantity checks a resource.Quantity's text as resource.ParseQuantity does, returning
 * its error text (k8s.io/apimachinery/pkg/api/resource/quantity.go) for one it rejects.
 */

/** ERR_FORMAT_WRONG is resource.ErrFormatWrong's text. */
export const ERR_FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/** ERR_SUFFIX is resource.ErrSuffix's text. */
export const ERR_SUFFIX = "unable to parse quantity's suffix";

/** What parseQuantityString accepts: sign, digits, a fraction, suffix letters, a signed exponent. */
const SHAPE = /^[+-]?[0-9]*(?:\.[0-9]*)?([eEinumkKMGTP]*[+-]?[0-9]*)$/;
const SUFFIXES = new Set(['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']);
const EXPONENT = /^[eE]([+-]?)([0-9]+)$/;

/** quantityError is ParseQuantity's error for str, or undefined when str is a quantity. */
export function quantityError(str: string): string | undefined {
  if (str.length === 0) return ERR_FORMAT_WRONG;
  const m = SHAPE.exec(str);
  if (!m) return ERR_FORMAT_WRONG;
  const suffix = m[1];
  if (SUFFIXES.has(suffix)) return undefined;
  // A decimal exponent is read with strconv.ParseInt, which fails past int64.
  const e = EXPONENT.exec(suffix);
  if (e && BigInt(e[2]) <= (e[1] === '-' ? 2n ** 63n : 2n ** 63n - 1n)) return undefined;
  return ERR_SUFFIX;
}
