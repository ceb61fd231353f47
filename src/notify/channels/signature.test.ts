import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pagerDutyBody, slackBody } from './render.js';
import { signWebhook, verifyWebhook } from './signature.js';

describe('Standard Webhooks signature', () => {
  it('signs "id.timestamp.body" with the base64 key of a whsec_ secret', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const secret = 'whsec_' + key.toString('base64');
    const body = '{"type":"x"}';
    const expected = createHmac('sha256', key).update(`msg_1.1700000000.${body}`).digest('base64');
    expect(signWebhook(secret, 'msg_1', 1700000000, body)).toBe(`v1,${expected}`);
    const headers = { id: 'msg_1', timestamp: '1700000000', signature: `v1,bogus v1,${expected}` };
    expect(verifyWebhook(secret, headers, body)).toBe(true);
    expect(verifyWebhook(secret, headers, body + ' ')).toBe(false);
    expect(verifyWebhook(secret, { ...headers, timestamp: '1700000001' }, body)).toBe(false);
  });
});

describe('channel payloads', () => {
  const p = {
    id: 'n1',
    type: 'incident.opened',
    timestamp: '2026-01-01T00:00:00.000Z',
    data: { incident_id: 'i1', dedup_key: 'gatehouse:r:f', title: 'T' },
  };
  it('gives PagerDuty Events v2 a trigger with the incident dedup_key, and resolve without payload', () => {
    expect(pagerDutyBody(p, 'rk')).toMatchObject({
      routing_key: 'rk',
      event_action: 'trigger',
      dedup_key: 'gatehouse:r:f',
      payload: { source: 'gatehouse', severity: 'critical', summary: expect.stringContaining('incident i1') },
    });
    const resolved = pagerDutyBody({ ...p, type: 'incident.resolved' }, 'rk');
    expect(resolved).toEqual({ routing_key: 'rk', event_action: 'resolve', dedup_key: 'gatehouse:r:f' });
  });
  it('gives Slack a text line and blocks', () => {
    const body = slackBody(p);
    expect(body.text).toBe('[gatehouse] incident.opened incident i1: T');
    expect(body.blocks).toHaveLength(2);
  });
});
