/** What ordering needs to know about an open case. */
export interface PriorityInput {
  readonly id: string;
  /** The risk class rank: consecutive integers, 0 = critical (most urgent), then high, medium, low. */
  readonly risk_rank: number;
  /** The SLA deadline (the clock's `due_at`). */
  readonly due_at: Date;
  /** When the case entered the queue. */
  readonly entered_at: Date;
  /** Escalation steps fired so far (0 = none); each lifts the case one risk class. */
  readonly bump: number;
}

/**
 * A case's place in the queue; smaller sorts first. Fields, most significant first: the rank after
 * bumps, ms left to the deadline (negative = overdue), minus the bump, entry time (ms), id.
 */
export type PriorityKey = readonly [
  effective_rank: number,
  time_left_ms: number,
  minus_bump: number,
  entered_at_ms: number,
  id: string,
];

/**
 * The key that orders open cases at `now`: risk class first, then time left to the deadline (overdue
 * first), then bump, then entry time, then id — never plain FIFO; throws on a malformed case.
 *
 * A bump lifts a case one class per step (rank − bump, never above rank 0) rather than only ahead of
 * its own class: within a class every case shares one SLA target, so the case escalated at 75 % is
 * already the one with least time left, and a within-class bump would move nothing. One class up, it
 * goes ahead of its whole class and competes with the next class by deadline (winning a tie there);
 * it never jumps a more urgent case of that class. SQL twin: `order by greatest(risk_rank - bump, 0),
 * due_at, bump desc, entered_at, id collate "C"`.
 */
export function priority(c: PriorityInput, now: Date): PriorityKey {
  if (!Number.isInteger(c.risk_rank) || c.risk_rank < 0) {
    throw new Error(`case ${c.id}: risk_rank must be an integer ≥ 0, got ${c.risk_rank}`);
  }
  if (!Number.isInteger(c.bump) || c.bump < 0) {
    throw new Error(`case ${c.id}: bump must be an integer ≥ 0, got ${c.bump}`);
  }
  return [
    Math.max(0, c.risk_rank - c.bump),
    validMs(c.due_at, c.id, 'due_at') - validMs(now, c.id, 'now'),
    // `0 -` rather than unary minus so an unbumped case carries 0, not -0.
    0 - c.bump,
    validMs(c.entered_at, c.id, 'entered_at'),
    c.id,
  ];
}

/**
 * Orders two keys from `priority` (negative when `a` goes first): a total order, 0 only for equal
 * keys. Ids compare by UTF-16 code units, as PostgreSQL's `COLLATE "C"`, never by locale.
 */
export function comparePriority(a: PriorityKey, b: PriorityKey): number {
  for (let i = 0; i < 4; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a[4] < b[4] ? -1 : a[4] > b[4] ? 1 : 0;
}

function validMs(d: Date, id: string, name: string): number {
  const ms = d instanceof Date ? d.getTime() : NaN;
  if (Number.isNaN(ms)) throw new Error(`case ${id}: ${name} must be a valid Date`);
  return ms;
}
