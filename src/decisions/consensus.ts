/** Where a case needing several blind reviews stands after one more review. */
export type Consensus =
  | { state: 'pending'; remaining: number }
  | { state: 'agreed'; action: 'approve' | 'reject' }
  | { state: 'adjudication' };

/**
 * Reads the blind reviews so far against the number required: pending until all are in; then
 * agreed when every reviewer chose the same approve or reject, else adjudication by the next level
 * (edits never agree: two edited outputs are two different texts). Pure.
 */
export function consensusOf(actions: readonly string[], required: number): Consensus {
  if (actions.length < required) return { state: 'pending', remaining: required - actions.length };
  const first = actions[0];
  if ((first === 'approve' || first === 'reject') && actions.every((a) => a === first)) {
    return { state: 'agreed', action: first };
  }
  return { state: 'adjudication' };
}
