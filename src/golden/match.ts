/** Whitespace-collapsed, trimmed, Unicode-NFC text: how golden answers and outputs are compared. */
export function normalizeAnswer(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** Whether a released output matches its golden answer (equal after `normalizeAnswer`). */
export function matchesGolden(expected: string, actual: string | null): boolean {
  return actual !== null && normalizeAnswer(expected) === normalizeAnswer(actual);
}
