/**
 * A circuit breaker: `failures` failed calls in a row open it; while open, calls are refused
 * until `resetMs` has passed, then one trial call is let through (half-open): its success
 * closes the circuit, its failure opens it again for another `resetMs`.
 */
export class CircuitBreaker {
  private failuresInRow = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;

  constructor(
    private readonly failures: number,
    private readonly resetMs: number,
    private readonly now: () => number,
  ) {}

  /** `closed`, `open` (refusing calls) or `half_open` (one trial allowed). */
  state(): 'closed' | 'open' | 'half_open' {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt >= this.resetMs ? 'half_open' : 'open';
  }

  /** Whether a call may go out now; in half-open, only one at a time. */
  allow(): boolean {
    const s = this.state();
    if (s === 'closed') return true;
    if (s === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  /** Records a call's success: closes the circuit. */
  succeed(): void {
    this.failuresInRow = 0;
    this.openedAt = null;
    this.trialInFlight = false;
  }

  /** Records a call's failure (after its retries): may open the circuit. */
  failed(): void {
    this.failuresInRow++;
    if (this.trialInFlight || this.failuresInRow >= this.failures) this.openedAt = this.now();
    this.trialInFlight = false;
  }
}
