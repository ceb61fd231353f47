import { InvalidArgumentError } from 'commander';

/** Prints `value` as one JSON line with `--json`, else the human lines. */
export function printResult(json: boolean | undefined, value: unknown, lines: string[]): void {
  process.stdout.write(json ? JSON.stringify(value) + '\n' : lines.join('\n') + '\n');
}

/** A commander parser for a non-negative integer option. */
export function integerOption(flag: string): (v: string) => number {
  return (v) => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${flag} must be an integer ≥ 0`);
    return Number(v);
  };
}

/** A commander parser for a finite number option. */
export function numberOption(flag: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${flag} must be a number`);
    return n;
  };
}
