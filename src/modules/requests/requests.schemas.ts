import { z } from '@hono/zod-openapi';
import { Limit } from '../../pagination.ts';
import { FACTOR_KEYS, RequestSettings, ScoreWeights } from './priority-rule.ts';

export const REQUEST_TYPES = ['feature_request', 'bug', 'question', 'complaint'] as const;
export const REQUEST_STATUSES = [
  'new',
  'under_review',
  'planned',
  'in_progress',
  'shipped',
  'declined',
] as const;
/** Closed states: the ask is answered; closed requests no longer count towards a group's volume. */
export const CLOSED_STATUSES: readonly RequestStatus[] = ['shipped', 'declined'];
export const OPEN_STATUSES: readonly RequestStatus[] = REQUEST_STATUSES.filter(
  (s) => !CLOSED_STATUSES.includes(s),
);
export type RequestType = (typeof REQUEST_TYPES)[number];
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

// Named in the OpenAPI document, so the web app's generated types export their values.
export const RequestType = z.enum(REQUEST_TYPES).openapi('RequestType');
export const RequestStatus = z.enum(REQUEST_STATUSES).openapi('RequestStatus');

export const Factor = z
  .object({
    key: z.enum(FACTOR_KEYS),
    points: z.number(),
    detail: z.string(),
  })
  .openapi('PriorityFactor');

export const Priority = z
  .object({
    score: z.number(),
    highValue: z.boolean().openapi({ description: 'The asking account counts as high-value (大客看性)' }),
    factors: z.array(Factor).openapi({ description: 'Each reason with its points; they add up to score' }),
  })
  .openapi('RequestPriority');

export const CustomerRequest = z
  .object({
    id: z.string(),
    number: z.number().int(),
    accountId: z.string(),
    accountName: z.string(),
    contactId: z.string().nullable(),
    type: RequestType,
    productArea: z.string().nullable(),
    title: z.string(),
    description: z.string().nullable(),
    status: RequestStatus,
    showcase: z.boolean(),
    groupId: z.string().nullable(),
    groupedBy: z.enum(['auto', 'manual']).nullable(),
    loggedBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    statusChangedAt: z.string(),
    closedAt: z.string().nullable(),
    priority: Priority,
  })
  .openapi('CustomerRequest');
export type CustomerRequest = z.infer<typeof CustomerRequest>;

const text = (max: number) => z.string().trim().min(1).max(max);

export const CreateRequest = z
  .object({
    accountId: z.string().min(1),
    contactId: z.string().min(1).nullable().optional(),
    type: z.enum(REQUEST_TYPES).default('feature_request'),
    productArea: text(100).nullable().optional(),
    title: text(300),
    description: z.string().trim().max(20_000).nullable().optional(),
    status: z.enum(REQUEST_STATUSES).default('new'),
    showcase: z.boolean().default(false),
    /** Join this group instead of the automatic proposal; null keeps it ungrouped. */
    groupId: z.string().min(1).nullable().optional(),
  })
  .openapi('CreateRequest');
export type CreateRequest = z.input<typeof CreateRequest>;

export const UpdateRequest = z
  .object({
    contactId: z.string().min(1).nullable().optional(),
    type: z.enum(REQUEST_TYPES).optional(),
    productArea: text(100).nullable().optional(),
    title: text(300).optional(),
    description: z.string().trim().max(20_000).nullable().optional(),
    status: z.enum(REQUEST_STATUSES).optional(),
    showcase: z.boolean().optional(),
  })
  .openapi('UpdateRequest');
export type UpdateRequest = z.input<typeof UpdateRequest>;

/** `a,b` or repeated: one or more values of an enum. */
const listOfEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .preprocess(
      (v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v),
      z.array(z.enum(values)).min(1),
    )
    .optional();

const Filters = {
  type: listOfEnum(REQUEST_TYPES).openapi({ description: 'Comma-separated types', type: 'string' }),
  status: listOfEnum(REQUEST_STATUSES).openapi({
    description: 'Comma-separated statuses (`open` lists new..in_progress)',
    type: 'string',
  }),
  productArea: z.string().trim().min(1).max(100).optional(),
  tier: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .openapi({ description: 'Current tier of the asking account' }),
};

const OpenOr = (schema: typeof Filters.status) =>
  z.preprocess((v) => (v === 'open' ? OPEN_STATUSES.join(',') : v), schema);

export const ListRequests = z
  .object({
    ...Filters,
    status: OpenOr(Filters.status).openapi({
      description: 'Comma-separated statuses, or `open`',
      type: 'string',
    }),
    accountId: z.string().min(1).optional(),
    groupId: z.string().min(1).optional(),
    q: z.string().trim().min(1).max(200).optional().openapi({ description: 'Words in the title' }),
    sort: z.enum(['priority', 'newest', 'oldest', 'number']).default('newest'),
    limit: Limit,
    cursor: z.string().optional(),
  })
  .openapi('ListRequests');
export type ListRequests = z.output<typeof ListRequests>;

export const RankedQuery = z
  .object({
    ...Filters,
    status: OpenOr(Filters.status).openapi({
      description: 'Comma-separated statuses; open ones (new..in_progress) when omitted',
      type: 'string',
    }),
    limit: Limit,
    cursor: z.string().optional(),
  })
  .openapi('RankedQuery');
export type RankedQuery = z.output<typeof RankedQuery>;

export const AskingAccountOut = z
  .object({
    accountId: z.string(),
    name: z.string(),
    tier: z.string().nullable(),
    arr: z.number(),
    healthStatus: z.string().nullable(),
    renewalDate: z.string().nullable(),
    daysToRenewal: z.number().nullable(),
    highValue: z.boolean(),
    requestIds: z.array(z.string()),
  })
  .openapi('AskingAccount');

export const RankedItem = z
  .object({
    kind: z.enum(['group', 'request']),
    groupId: z.string().nullable(),
    requestId: z.string().nullable().openapi({ description: 'For an ungrouped request' }),
    title: z.string(),
    types: z.array(z.enum(REQUEST_TYPES)),
    productAreas: z.array(z.string()),
    statuses: z.array(z.enum(REQUEST_STATUSES)),
    requestCount: z.number().int(),
    accountCount: z.number().int(),
    totalArr: z.number(),
    priority: Priority.openapi({ description: 'The highest-scoring request’s score and reasons' }),
    topRequestId: z.string(),
    accounts: z.array(AskingAccountOut),
  })
  .openapi('RankedRequestItem');
export type RankedItem = z.infer<typeof RankedItem>;

export const RequestGroup = z
  .object({
    id: z.string(),
    title: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    requests: z.array(CustomerRequest),
    accounts: z.array(AskingAccountOut),
    totalArr: z.number(),
    priority: Priority.nullable(),
  })
  .openapi('RequestGroup');
export type RequestGroup = z.infer<typeof RequestGroup>;

export const MergeRequests = z
  .object({
    requestIds: z.array(z.string().min(1)).max(500).default([]),
    groupIds: z.array(z.string().min(1)).max(100).default([]),
    title: text(300).optional(),
  })
  .refine((v) => v.requestIds.length + v.groupIds.length >= 2, {
    message: 'name at least two requests or groups to merge',
    path: ['requestIds'],
  })
  .openapi('MergeRequests');
export type MergeRequests = z.input<typeof MergeRequests>;

export const SplitGroup = z
  .object({
    requestIds: z.array(z.string().min(1)).min(1).max(500),
    /** Put the split-off requests in a new group of their own (two or more), else leave them ungrouped. */
    newGroup: z.boolean().default(false),
    title: text(300).optional(),
  })
  .openapi('SplitGroup');
export type SplitGroup = z.input<typeof SplitGroup>;

export const SplitResult = z
  .object({
    groupId: z
      .string()
      .nullable()
      .openapi({ description: 'The group, or null when one request was left and it was dissolved' }),
    newGroupId: z.string().nullable(),
    movedRequestIds: z.array(z.string()),
  })
  .openapi('SplitResult');

export const UpdateGroup = z
  .object({
    title: text(300).optional(),
    /** Moves every open request in the group to this status (e.g. planned, shipped), each on its account's timeline. */
    status: z.enum(REQUEST_STATUSES).optional(),
  })
  .openapi('UpdateRequestGroup');
export type UpdateGroup = z.input<typeof UpdateGroup>;

export const SimilarQuery = z
  .object({
    text: text(2_000).openapi({
      description: 'The draft: a title, or a title and the start of a description',
    }),
    excludeId: z
      .string()
      .min(1)
      .optional()
      .openapi({ description: 'Leave out this request (when editing it)' }),
    limit: z.coerce.number().int().min(1).max(50).default(5),
    minSimilarity: z.coerce
      .number()
      .min(0.05)
      .max(1)
      .default(0.3)
      .openapi({ description: 'Lowest similarity to list; the grouping threshold decides `wouldGroup`' }),
  })
  .openapi('SimilarQuery');
export type SimilarQuery = z.input<typeof SimilarQuery>;

export const SimilarRequest = z
  .object({
    requestId: z.string(),
    number: z.number().int(),
    title: z.string(),
    accountId: z.string(),
    accountName: z.string(),
    status: z.enum(REQUEST_STATUSES),
    groupId: z.string().nullable(),
    similarity: z.number(),
    wouldGroup: z.boolean().openapi({ description: 'At or above the grouping threshold' }),
  })
  .openapi('SimilarRequest');

export const SimilarResult = z
  .object({ threshold: z.number(), items: z.array(SimilarRequest) })
  .openapi('SimilarRequests');

export const RequestSettingsOut = RequestSettings.openapi('RequestSettings');
export const UpdateRequestSettings = RequestSettings.extend({ weights: ScoreWeights.partial() })
  .partial()
  .openapi('UpdateRequestSettings');
export type UpdateRequestSettings = z.input<typeof UpdateRequestSettings>;
