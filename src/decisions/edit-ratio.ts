import { diffChars } from 'diff';

/**
 * The share of an output a reviewer changed, in [0, 1]: characters removed or added in the larger
 * of the two hunks sides, over the longer text. Rewriting everything is 1; deleting 30 % is 0.3;
 * appending 10 % more is about 0.09. The escalation rule "edits > 30 %" reads this number.
 */
export function editRatio(before: string, after: string): number {
  const longer = Math.max(before.length, after.length);
  if (longer === 0) return 0;
  let removed = 0;
  let added = 0;
  for (const part of diffChars(before, after)) {
    if (part.removed) removed += part.value.length;
    else if (part.added) added += part.value.length;
  }
  return Math.max(removed, added) / longer;
}
