export { QbrQuery, qbrRoutes } from './qbr.routes.ts';
export { assembleQbr, type QbrInput, type QbrReport } from './qbr-data.ts';
export { qbrHtml } from './qbr-html.ts';
export { qbrPdf } from './qbr-pdf.ts';
export { type QbrView, qbrView } from './qbr-view.ts';
export { QBR_TEMPLATES, type QbrTemplate, templateForTier } from './templates.ts';
