import nodemailer, { type Transporter } from 'nodemailer';
import type { ChannelConfig } from '../../escalation/config.js';
import type { NotificationPayload } from '../outbox.js';
import { pagerDutyBody, slackBody, summarize } from './render.js';
import { signWebhook } from './signature.js';

// A receiver that takes longer than this is treated as down; the attempt is retried later.
const SEND_TIMEOUT_MS = 10_000;

/** Where secrets come from (the process environment in production). */
export type SecretSource = (name: string) => string | undefined;

/** Why one delivery attempt failed; retried with backoff up to the cap. */
export class DeliveryError extends Error {}

const mailers = new Map<string, Transporter>();

/** Delivers one notification on one channel; resolves on success (2xx / SMTP accepted), throws DeliveryError otherwise. */
export async function sendNotification(
  channel: ChannelConfig,
  p: NotificationPayload,
  secrets: SecretSource,
  now: Date,
): Promise<void> {
  switch (channel.type) {
    case 'webhook': {
      const body = JSON.stringify(p);
      const ts = Math.floor(now.getTime() / 1000);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'webhook-id': p.id,
        'webhook-timestamp': String(ts),
      };
      const secret = channel.secret_env ? secrets(channel.secret_env) : undefined;
      if (channel.secret_env && !secret) throw new DeliveryError(`secret ${channel.secret_env} is not set`);
      if (secret) headers['webhook-signature'] = signWebhook(secret, p.id, ts, body);
      return post(channel.url, body, headers);
    }
    case 'slack':
      return post(channel.url, JSON.stringify(slackBody(p)), { 'content-type': 'application/json' });
    case 'pagerduty': {
      const key = secrets(channel.routing_key_env);
      if (!key) throw new DeliveryError(`routing key ${channel.routing_key_env} is not set`);
      return post(channel.url, JSON.stringify(pagerDutyBody(p, key)), { 'content-type': 'application/json' });
    }
    case 'email': {
      const url = secrets(channel.smtp_url_env);
      if (!url) throw new DeliveryError(`SMTP URL ${channel.smtp_url_env} is not set`);
      let mailer = mailers.get(url);
      if (!mailer) {
        mailer = nodemailer.createTransport(url);
        mailers.set(url, mailer);
      }
      try {
        await mailer.sendMail({
          from: channel.from ?? 'gatehouse@localhost',
          to: channel.to,
          subject: summarize(p),
          text: JSON.stringify(p, null, 2),
          // Receivers dedupe retries on the Message-ID, the notification's stable id.
          messageId: `<${p.id}@gatehouse>`,
        });
      } catch (err) {
        throw new DeliveryError(`SMTP: ${(err as Error).message}`);
      }
      return;
    }
  }
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
  } catch (err) {
    throw new DeliveryError(`POST ${url}: ${(err as Error).message}`);
  }
  // Drain the body so the connection is reused.
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new DeliveryError(`POST ${url}: HTTP ${res.status}`);
}
