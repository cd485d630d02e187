/**
 * A deliberately naive glob, the model the pattern-invalidation property checks against:
 * `*` any run of characters, `?` exactly one, `\x` the character x itself.
 */
export function globMatches(pattern: string, key: string): boolean {
  const tokens: Array<{ any: boolean; one: boolean; char: string }> = [];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\' && i + 1 < chars.length) tokens.push({ any: false, one: false, char: chars[++i]! });
    else tokens.push({ any: c === '*', one: c === '?', char: c });
  }
  const text = [...key];
  const match = (t: number, k: number): boolean => {
    if (t === tokens.length) return k === text.length;
    const token = tokens[t]!;
    if (token.any) {
      for (let skip = k; skip <= text.length; skip++) if (match(t + 1, skip)) return true;
      return false;
    }
    if (k === text.length) return false;
    return (token.one || token.char === text[k]) && match(t + 1, k + 1);
  };
  return match(0, 0);
}
