/**
 * Orders strings by UTF-16 code unit, as `<` does: the same on every machine and in every locale
 * (unlike `localeCompare`), so that sorted output is byte-identical wherever it is made.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
