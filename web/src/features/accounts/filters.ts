import type { AccountListQuery } from '../../api/types.ts';

/** The list's filters, as URL parameters (the workbench links here with `?health=`, `?tier=`...). */
export const FILTER_KEYS = [
  'q',
  'owner',
  'region',
  'industry',
  'tag',
  'arrMin',
  'renewalWithin',
  'health',
  'tier',
  'stage',
  'segment',
  'where',
  'sort',
] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string>>;

const number = (v: string | undefined) => (v && Number.isFinite(Number(v)) ? Number(v) : undefined);

/**
 * The GET /accounts query for these filters: the server answers every one of them (own fields,
 * current state, renewal window, the free condition), so the page calls one endpoint.
 */
export function listQuery(f: Filters): AccountListQuery {
  return {
    q: f.q,
    ownerId: f.owner,
    region: f.region,
    industry: f.industry,
    tag: f.tag,
    arrMin: number(f.arrMin),
    renewalWithinDays: number(f.renewalWithin),
    health: f.health,
    tier: f.tier,
    stage: f.stage,
    segment: f.segment,
    where: f.where,
    sort: f.sort ?? 'name',
  };
}
