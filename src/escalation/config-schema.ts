import { z } from 'zod';

/** What a ladder step may do to a case when it fires. */
export const STEP_ACTIONS = [
  'notify_assignee',
  'bump_priority',
  'notify_shift_lead',
  'move_to_backup',
  'notify_backup',
  'escalate_ops_manager',
  'raise_level',
  'open_incident',
] as const;
/** One of `STEP_ACTIONS`. */
export type StepAction = (typeof STEP_ACTIONS)[number];

/** Who a notification is for; `escalation.notify` maps each to channel names. */
export const AUDIENCES = ['assignee', 'shift_lead', 'backup', 'ops_manager', 'sme', 'ml_ops'] as const;
/** One of `AUDIENCES`. */
export type Audience = (typeof AUDIENCES)[number];

/** One ladder rung as written in the policy. */
export const Step = z
  .object({
    at: z.number().gt(0).max(10),
    step: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a step name is lower_snake_case'),
    actions: z.array(z.enum(STEP_ACTIONS)).min(1),
    repeat: z
      .object({ every_minutes: z.number().positive(), max: z.number().int().min(1).max(20) })
      .strict()
      .optional(),
  })
  .strict();

/** The `escalation` section. */
export const EscalationSection = z
  .object({
    ladders: z.record(z.string(), z.array(Step).min(1)).optional(),
    by_class: z.record(z.string(), z.string()).optional(),
    review_time_limit: z
      .union([
        z.literal(false),
        z.object({ minutes: z.number().positive(), to_level: z.number().int().min(2).max(3) }).strict(),
      ])
      .optional(),
    edit_quality: z
      .union([
        z.literal(false),
        z
          .object({
            edit_ratio_over: z.number().min(0).max(1),
            sample_rate: z.number().min(0).max(1).default(1),
            to_group: z.string().min(1),
          })
          .strict(),
      ])
      .optional(),
    notify: z.partialRecord(z.enum(AUDIENCES), z.array(z.string())).optional(),
  })
  .strict();

/** One entry of `notifications.channels`. */
export const Channel = z.discriminatedUnion('type', [
  z.object({ type: z.literal('webhook'), url: z.url(), secret_env: z.string().optional() }).strict(),
  z.object({ type: z.literal('slack'), url: z.url() }).strict(),
  z.object({ type: z.literal('pagerduty'), url: z.url(), routing_key_env: z.string().min(1) }).strict(),
  z
    .object({
      type: z.literal('email'),
      smtp_url_env: z.string().min(1),
      to: z.array(z.email()).min(1),
      from: z.email().optional(),
    })
    .strict(),
]);

/** The `notifications` section. */
export const NotificationsSection = z
  .object({
    channels: z.record(z.string(), Channel).optional(),
    callbacks: z.record(z.string(), z.string()).optional(),
    retry: z
      .object({
        max_attempts: z.number().int().min(1).max(50),
        base_seconds: z.number().positive(),
        max_seconds: z.number().positive(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** What escalation reads of a group (level, backup, members, shifts); the queue validates the rest. */
export const GroupSection = z.object({
  level: z.number().int().min(1).max(3).optional(),
  backup: z.string().optional(),
  members: z.array(z.string()).optional(),
  shifts: z
    .array(
      z
        .object({
          member: z.string().min(1),
          role: z.string().min(1).default('member'),
          calendar: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
        })
        .strict(),
    )
    .optional(),
});
