/**
 * How alike two texts are, in [0, 1]: the Jaccard index of their sets of lower-cased word pairs
 * (single words for texts of one word). 1 for equal word sequences, 0 for nothing in common. Pure.
 */
export function textSimilarity(a: string, b: string): number {
  const x = shingles(a);
  const y = shingles(b);
  if (x.size === 0 && y.size === 0) return 1;
  let common = 0;
  for (const s of x) if (y.has(s)) common++;
  return common / (x.size + y.size - common);
}

function shingles(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 1) return new Set(words);
  const out = new Set<string>();
  for (let i = 1; i < words.length; i++) out.add(`${words[i - 1]} ${words[i]}`);
  return out;
}

/** The `k` candidates most similar to `text` (ties keep input order), with their similarity. */
export function nearest<T extends { text: string }>(
  text: string,
  candidates: readonly T[],
  k: number,
): (T & { similarity: number })[] {
  return candidates
    .map((c, i) => ({ ...c, similarity: textSimilarity(text, c.text), i }))
    .sort((p, q) => q.similarity - p.similarity || p.i - q.i)
    .slice(0, k)
    .map(({ i: _i, ...rest }) => rest as T & { similarity: number });
}
