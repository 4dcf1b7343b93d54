import { z } from '@hono/zod-openapi';
import { Limit } from '../../pagination.ts';
import { isValidDay } from '../../time.ts';
import { SCALE, SURVEY_KINDS } from './survey-maths.ts';

export const SurveyKind = z.enum(SURVEY_KINDS).openapi('SurveyKind');
export const SURVEY_SOURCES = ['email', 'api', 'import'] as const;
export const SurveySource = z.enum(SURVEY_SOURCES).openapi('SurveySource');
export const SurveyLocale = z.enum(['en', 'zh-CN']);
const Day = z.string().refine(isValidDay, 'must be a date as YYYY-MM-DD');

export const RecordResponse = z
  .object({
    accountId: z.string().min(1).optional(),
    accountExternalId: z.string().min(1).optional(),
    contactEmail: z.email().max(320).optional(),
    kind: SurveyKind,
    score: z.number().int(),
    comment: z.string().max(4000).nullish(),
    /** When the customer answered (ISO instant); default now. Never in the future. */
    answeredAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .superRefine((r, c) => {
    if ((r.accountId === undefined) === (r.accountExternalId === undefined)) {
      c.addIssue({
        code: 'custom',
        path: ['accountId'],
        message: 'give accountId or accountExternalId, one of them',
      });
    }
    const scale = SCALE[r.kind];
    if (r.score < scale.min || r.score > scale.max) {
      c.addIssue({
        code: 'custom',
        path: ['score'],
        message: `${r.score} is outside the ${r.kind} scale: a whole number from ${scale.min} to ${scale.max}`,
      });
    }
  });
export type RecordResponse = z.input<typeof RecordResponse>;

export const SurveyResponse = z
  .object({
    id: z.string(),
    accountId: z.string(),
    accountName: z.string(),
    contactId: z.string().nullable(),
    contactEmail: z.string().nullable(),
    kind: SurveyKind,
    score: z.number(),
    /** NPS: promoter / passive / detractor; CSAT: null. */
    category: z.enum(['promoter', 'passive', 'detractor']).nullable(),
    comment: z.string().nullable(),
    answeredAt: z.string(),
    answeredDay: z.string(),
    source: SurveySource,
    taskId: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('SurveyResponse');
export type SurveyResponse = z.infer<typeof SurveyResponse>;

export const ListResponses = z.object({
  accountId: z.string().optional(),
  kind: SurveyKind.optional(),
  from: Day.optional(),
  to: Day.optional(),
  /** Only NPS detractors (0-6). */
  detractors: z.enum(['true', 'false']).optional(),
  cursor: z.string().optional(),
  limit: Limit,
});
export type ListResponses = z.input<typeof ListResponses>;

export const SendSurvey = z
  .object({
    accountId: z.string().min(1),
    kind: SurveyKind,
    /** The contacts to ask; omitted: every contact of the account with an email. */
    contactIds: z.array(z.string().min(1)).min(1).max(200).optional(),
    /** The language of the email and the survey page; default the reader's. */
    locale: SurveyLocale.optional(),
  })
  .strict();
export type SendSurvey = z.input<typeof SendSurvey>;

export const SendResult = z.object({
  sent: z.array(
    z.object({
      sendId: z.string(),
      contactId: z.string().nullable(),
      email: z.string(),
      /** False when no SMTP server is configured: the send is recorded, the email was not sent. */
      delivered: z.boolean(),
    }),
  ),
  skipped: z.array(
    z.object({
      contactId: z.string(),
      email: z.string().nullable(),
      reason: z.enum(['throttled', 'no_email']),
      /** Throttled: when the contact may be asked again. */
      nextAskAt: z.string().nullable(),
    }),
  ),
});
export type SendResult = z.infer<typeof SendResult>;

export const SURVEY_GROUP_BY = ['none', 'account', 'tier', 'csm'] as const;
export const ResultsQuery = z.object({
  kind: SurveyKind.default('nps'),
  /** Default: 365 days up to `to`. */
  from: Day.optional(),
  /** Default: today. */
  to: Day.optional(),
  groupBy: z.enum(SURVEY_GROUP_BY).default('none').openapi('SurveyGroupBy'),
  interval: z.enum(['month', 'quarter']).default('month').openapi('SurveyInterval'),
  accountId: z.string().optional(),
});
export type ResultsQuery = z.input<typeof ResultsQuery>;

export const Summary = z.object({
  responses: z.number(),
  /** NPS (-100..100) or CSAT (% satisfied, 0..100); null without responses. */
  score: z.number().nullable(),
  promoters: z.number(),
  passives: z.number(),
  detractors: z.number(),
  satisfied: z.number(),
  mean: z.number().nullable(),
});

export const SurveyResults = z
  .object({
    kind: SurveyKind,
    from: z.string(),
    to: z.string(),
    interval: z.enum(['month', 'quarter']),
    overall: Summary,
    /** The same period length just before `from`, to compare with. */
    previous: Summary,
    trend: z.array(Summary.extend({ period: z.string() })),
    groups: z.array(
      Summary.extend({
        key: z.string(),
        name: z.string(),
        /** This period's score minus the same-length period just before it; null unless both have answers. */
        change: z.number().nullable(),
      }),
    ),
  })
  .openapi('SurveyResults');
export type SurveyResults = z.infer<typeof SurveyResults>;

export const SurveySettings = z
  .object({
    /** A contact is not asked again within this many days of a survey sent to them or answered. */
    throttleDays: z.number().int().min(0).max(3650),
    /** How long an emailed survey link stays valid. */
    linkValidDays: z.number().int().min(1).max(365),
    /** An NPS answer of 0-6 creates a follow-up task for the account's CSM. */
    detractorTask: z.boolean(),
  })
  .openapi('SurveySettings');
export type SurveySettings = z.infer<typeof SurveySettings>;
export const UpdateSurveySettings = SurveySettings.partial().strict();
export type UpdateSurveySettings = z.input<typeof UpdateSurveySettings>;

export const DEFAULT_SURVEY_SETTINGS: SurveySettings = {
  throttleDays: 90,
  linkValidDays: 30,
  detractorTask: true,
};

/** The public survey page's form. */
export const AnswerForm = z.object({
  score: z.coerce.number().int(),
  comment: z.string().max(4000).optional(),
});
