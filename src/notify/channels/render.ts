import type { NotificationPayload } from '../outbox.js';

/** One line a person reads first: what happened to which case or incident. */
export function summarize(p: NotificationPayload): string {
  const d = p.data;
  const subject = d.case_id
    ? `case ${String(d.case_id)}`
    : d.incident_id
      ? `incident ${String(d.incident_id)}`
      : '';
  const who = Array.isArray(d.recipients) && d.recipients.length > 0 ? ` → ${d.recipients.join(', ')}` : '';
  const title = typeof d.title === 'string' ? `: ${d.title}` : '';
  return `[gatehouse] ${p.type}${subject ? ` ${subject}` : ''}${title}${who}`;
}

/** A Slack incoming-webhook body: `text` for notifications, a section block with the details. */
export function slackBody(p: NotificationPayload): Record<string, unknown> {
  const fields = Object.entries(p.data)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .slice(0, 10)
    .map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${String(v)}` }));
  return {
    text: summarize(p),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: summarize(p) } },
      ...(fields.length > 0 ? [{ type: 'section', fields }] : []),
    ],
  };
}

/**
 * A PagerDuty Events API v2 body. `dedup_key` is the incident's dedup key when there is one (so
 * repeats and acknowledge/resolve address the same alert), else the notification's stable id.
 */
export function pagerDutyBody(p: NotificationPayload, routingKey: string): Record<string, unknown> {
  const d = p.data;
  const action =
    p.type === 'incident.resolved'
      ? 'resolve'
      : p.type === 'incident.acknowledged'
        ? 'acknowledge'
        : 'trigger';
  const dedupKey = typeof d.dedup_key === 'string' ? d.dedup_key : `gatehouse:${p.id}`;
  const body: Record<string, unknown> = {
    routing_key: routingKey,
    event_action: action,
    dedup_key: dedupKey,
  };
  if (action === 'trigger') {
    body.payload = {
      summary: summarize(p).slice(0, 1024),
      source: 'gatehouse',
      severity: p.type.startsWith('incident') || p.type.endsWith('breach') ? 'critical' : 'warning',
      timestamp: p.timestamp,
      component: typeof d.group === 'string' ? d.group : undefined,
      class: p.type,
      custom_details: d,
    };
  }
  return body;
}
