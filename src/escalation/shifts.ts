import { businessMinutesBetween } from '../queue/clock/calendar.js';
import type { GroupInfo } from './config.js';

/**
 * Who holds `role` in `group` at `now`: members of every shift with that role whose calendar is open
 * (a shift without a calendar is always on). Falls back to the group's `members` for role `member`
 * when it has no shifts. Empty when nobody is on shift.
 */
export function onShift(group: GroupInfo | undefined, role: string, now: Date): string[] {
  if (!group) return [];
  if (group.shifts.length === 0) return role === 'member' ? [...group.members] : [];
  const minuteLater = new Date(now.getTime() + 60_000);
  const people = group.shifts
    .filter((s) => s.role === role)
    .filter((s) => !s.calendar || businessMinutesBetween(s.calendar, now, minuteLater) > 0)
    .map((s) => s.member);
  return [...new Set(people)];
}

/** The group whose lead is the ops manager: the first level-3 group, or null when none. */
export function opsGroup(groups: Record<string, GroupInfo>): string | null {
  return Object.entries(groups).find(([, g]) => g.level === 3)?.[0] ?? null;
}

/** The first group at `level` (the default target when a case moves up), or null when none. */
export function groupAtLevel(groups: Record<string, GroupInfo>, level: number): string | null {
  return Object.entries(groups).find(([, g]) => g.level === level)?.[0] ?? null;
}
