import { addBusinessMinutes, type Calendar } from './calendar.js';
import type { QueueConfig } from '../compile.js';

/** An SLA target as stored on a case: minutes, counted in business time when a calendar is named. */
export interface SlaSpec {
  readonly minutes: number;
  readonly calendar: string | null;
}

/**
 * Reads one SLA form of the policy: `{ minutes }`, `{ business_hours, calendar }`,
 * `{ business_minutes, calendar }`; undefined for anything else.
 */
export function parseSlaForm(v: unknown): SlaSpec | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const calendar = typeof o.calendar === 'string' ? o.calendar : null;
  if (typeof o.minutes === 'number') return { minutes: o.minutes, calendar };
  if (typeof o.business_minutes === 'number') return { minutes: o.business_minutes, calendar };
  if (typeof o.business_hours === 'number') return { minutes: o.business_hours * 60, calendar };
  return undefined;
}

/**
 * The SLA target of a routed transaction: the route's resolved `sla` (rule override), else its risk
 * class's `sla`, else the class's `sla_minutes` shorthand (the route's `sla_minutes`).
 */
export function resolveSla(doc: unknown, route: Record<string, unknown>): SlaSpec {
  const fromRoute = parseSlaForm(route.sla);
  if (fromRoute) return fromRoute;
  const cls = riskClassOf(doc, String(route.risk_class));
  const fromClass = parseSlaForm(cls.sla);
  if (fromClass) return fromClass;
  const minutes = typeof route.sla_minutes === 'number' ? route.sla_minutes : Number(cls.sla_minutes);
  return { minutes, calendar: null };
}

/** The raw settings of a risk class in a policy doc (empty when absent). */
export function riskClassOf(doc: unknown, name: string): Record<string, unknown> {
  const classes = (doc as { risk_classes?: Record<string, unknown> } | undefined)?.risk_classes;
  const cls = classes?.[name];
  return typeof cls === 'object' && cls !== null ? (cls as Record<string, unknown>) : {};
}

/** The calendar an SLA counts in; undefined = wall-clock time. Throws when the policy lacks it. */
export function calendarOf(config: QueueConfig, name: string | null): Calendar | undefined {
  if (name === null) return undefined;
  const cal = config.calendars[name];
  if (!cal) throw new Error(`the SLA names calendar "${name}", which the policy does not define`);
  return cal;
}

/** When a target of `sla` starting at `start` is due. */
export function dueAt(config: QueueConfig, sla: SlaSpec, start: Date): Date {
  return addBusinessMinutes(calendarOf(config, sla.calendar), start, sla.minutes);
}
