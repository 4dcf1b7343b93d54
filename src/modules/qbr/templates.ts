// QBR templates per tier: which sections a report has and how much detail. Strategic accounts get
// the full review (seed 001's QBR: goals and KPIs, value and ROI, health, support, the customer's
// voice, milestones, next quarter's plan); growth accounts the standard one (the same sections,
// shorter lists); tech-touch (nurture) accounts a short summary (KPIs, ROI, usage, health, NPS,
// next quarter). The account's tier picks the template (templateForTier); a request may name another
// (`template=`) or its own list of sections (`sections=`), so a CSM can shorten or lengthen one report.

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

/** The template for a tier key: the default scheme's strategic / growth / nurture, else standard. */
export function templateForTier(tier: string | null): QbrTemplate {
  if (tier === 'strategic') return 'strategic';
  if (tier === 'nurture') return 'light';
  return 'standard';
}
