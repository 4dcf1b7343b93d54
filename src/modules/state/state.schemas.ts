import { z } from 'zod';
import { Limit } from '../../pagination.ts';

export const ListPage = z.object({ cursor: z.string().optional(), limit: Limit });
export type ListPage = z.infer<typeof ListPage>;

export const OVERRIDE_KINDS = ['tier', 'stage'] as const;
export type OverrideKind = (typeof OVERRIDE_KINDS)[number];

export const StateOverride = z.object({
  accountId: z.string(),
  kind: z.enum(OVERRIDE_KINDS),
  value: z.string(),
  reason: z.string(),
  userId: z.string().nullable(),
  /** Last day the override holds (inclusive); null: until removed. */
  expiresOn: z.string().nullable(),
  createdAt: z.string(),
});
export type StateOverride = z.infer<typeof StateOverride>;

export const StateChange = z.object({
  id: z.string(),
  accountId: z.string(),
  day: z.string(),
  kind: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  reason: z.string().nullable(),
  createdAt: z.string(),
});
export type StateChange = z.infer<typeof StateChange>;
