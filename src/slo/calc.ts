import { binomialTest } from './binomial.js';
import { durationMinutes } from './definition.js';
import { SloDecimal, burnRate, invalid, parseTarget, type SloTarget } from './error-budget.js';

/** Inputs of `gatehouse slo calc burn-rate`: counts over one window of an SLO period. */
export interface BurnRateInput {
  failures: number;
  total: number;
  target: SloTarget;
  /** The window the counts cover, e.g. '1h'. */
  window: string;
  /** The SLO period, default '30d'. */
  period?: string;
}

/** What the burn-rate calculator prints. */
export interface BurnRateFigures {
  error_ratio: string;
  allowed_error_ratio: string;
  burn_rate: number;
  /** Share of the whole period's budget this window spent: burn × window / period. */
  budget_consumed: number;
  /** Hours until a full budget is gone at this burn; null when not burning. */
  hours_to_exhaustion: number | null;
}

/**
 * Burn rate = (failures / total) / (1 − T), exact; 420 of 80,000 at 0.995 → 1.05. The window does
 * not enter the burn rate (the ratio is already per window); it only scales the budget share.
 */
export function calcBurnRate(input: BurnRateInput): BurnRateFigures {
  const t = parseTarget(input.target);
  const windowMinutes = minutes(input.window, 'window');
  const periodMinutes = minutes(input.period ?? '30d', 'period');
  if (windowMinutes > periodMinutes) throw invalid('the window must not be longer than the period');
  const burn = burnRate(input.failures, input.total, input.target);
  const ratio = input.total === 0 ? new SloDecimal(0) : new SloDecimal(input.failures).div(input.total);
  return {
    error_ratio: ratio.toString(),
    allowed_error_ratio: new SloDecimal(1).minus(t).toString(),
    burn_rate: burn.toNumber(),
    budget_consumed: burn.times(windowMinutes).div(periodMinutes).toSignificantDigits(15).toNumber(),
    hours_to_exhaustion: burn.isZero()
      ? null
      : new SloDecimal(periodMinutes).div(60).div(burn).toSignificantDigits(15).toNumber(),
  };
}

function minutes(text: string, what: string): number {
  try {
    return durationMinutes(text);
  } catch (err) {
    throw invalid(`--${what}: ${(err as Error).message}`);
  }
}

/** Inputs of `gatehouse slo calc quality`. */
export interface QualityInput {
  passes: number;
  total: number;
  target: SloTarget;
  alpha?: number;
  minSamples?: number;
}

/** The exact binomial test's figures, plus the observed pass rate. */
export function calcQuality(input: QualityInput): {
  pass_rate: number | null;
  p_value: number;
  breach: boolean;
  critical_k: number;
  verdict: string;
} {
  const r = binomialTest(input);
  return { pass_rate: input.total === 0 ? null : input.passes / input.total, ...r };
}
