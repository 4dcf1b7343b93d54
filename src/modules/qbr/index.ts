export { QbrQuery, qbrRoutes } from './qbr.routes.ts';
export { assembleQbr, type QbrInput, type QbrReport } from './qbr-data.ts';
export { qbrHtml } from './qbr-html.ts';
export { qbrPdf } from './qbr-pdf.ts';
export {
  DEFAULT_QBR_SETTINGS,
  getQbrSettings,
  loadQbrSettings,
  QbrSettings,
  updateQbrSettings,
} from './qbr-settings.ts';
export { type QbrView, qbrView } from './qbr-view.ts';
export {
  DEFAULT_TIER_TEMPLATES,
  QBR_TEMPLATES,
  type QbrTemplate,
  type TierTemplates,
  templateForTier,
} from './templates.ts';
