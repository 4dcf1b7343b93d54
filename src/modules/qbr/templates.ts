// QBR templates per tier: which sections a report has and how much detail. Strategic accounts get
// the full review (seed 001's QBR: goals and KPIs, value and ROI, health, support, the customer's
// voice, milestones, next quarter's plan); growth accounts the standard one (the same sections,
// shorter lists); tech-touch (nurture) accounts a short summary (KPIs, ROI, usage, health, NPS,
// next quarter). The account's tier picks the template through the workspace's QBR settings
// (templateForTier; qbr-settings.ts, defaults as above); a request may name another (`template=`) or
// its own list of sections (`sections=`), so a CSM can shorten or lengthen one report.

export const QBR_SECTIONS = [
  'summary',
  'kpis',
  'roi',
  'usage',
  'adoption',
  'health',
  'milestones',
  'tickets',
  'requests',
  'voice',
  'nextQuarter',
] as const;
export type QbrSection = (typeof QBR_SECTIONS)[number];

export const QBR_TEMPLATES = ['strategic', 'standard', 'light'] as const;
export type QbrTemplate = (typeof QBR_TEMPLATES)[number];

export type TemplateSpec = {
  sections: readonly QbrSection[];
  /** Value metrics charted in the usage section. */
  maxMetrics: number;
  /** Health drivers listed. */
  maxDrivers: number;
  /** Requests listed (shipped first). */
  maxRequests: number;
  /** Tickets listed (open first). */
  maxTickets: number;
  /** Survey comments quoted. */
  maxComments: number;
  /** KPIs listed in the KPI section (the ROI always reads them all). */
  maxKpis: number;
  /** Objectives and steps listed for next quarter. */
  maxNext: number;
};

export const TEMPLATE_SPECS: Record<QbrTemplate, TemplateSpec> = {
  strategic: {
    sections: QBR_SECTIONS,
    maxMetrics: 4,
    maxDrivers: 5,
    maxRequests: 12,
    maxTickets: 10,
    maxComments: 5,
    maxKpis: 30,
    maxNext: 20,
  },
  standard: {
    sections: QBR_SECTIONS,
    maxMetrics: 3,
    maxDrivers: 3,
    maxRequests: 8,
    maxTickets: 5,
    maxComments: 3,
    maxKpis: 15,
    maxNext: 10,
  },
  light: {
    sections: ['summary', 'kpis', 'roi', 'usage', 'health', 'voice', 'nextQuarter'],
    maxMetrics: 2,
    maxDrivers: 3,
    maxRequests: 0,
    maxTickets: 0,
    maxComments: 2,
    maxKpis: 8,
    maxNext: 5,
  },
};

/** A tier -> template mapping: a workspace's QBR settings (qbr-settings.ts) carry one. */
export type TierTemplates = {
  tierTemplates: Readonly<Record<string, QbrTemplate>>;
  /** For a tier not listed, and an account with no tier. */
  defaultTemplate: QbrTemplate;
};

/** The mapping a workspace starts with: the default scheme's strategic / growth / nurture. */
export const DEFAULT_TIER_TEMPLATES: TierTemplates = {
  tierTemplates: { strategic: 'strategic', nurture: 'light' },
  defaultTemplate: 'standard',
};

/** The template for a tier key under a mapping (by default: strategic, nurture -> light, else standard). */
export function templateForTier(
  tier: string | null,
  map: TierTemplates = DEFAULT_TIER_TEMPLATES,
): QbrTemplate {
  // Own keys only: a tier named "constructor" must not find Object.prototype's.
  if (tier !== null && Object.hasOwn(map.tierTemplates, tier)) return map.tierTemplates[tier]!;
  return map.defaultTemplate;
}
