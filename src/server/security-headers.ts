// The browser-facing security headers every response carries (web app, API, docs, tracking):
// a Content Security Policy the built web app and the Swagger docs page both work under, no
// framing by other sites, no MIME sniffing, and referrers trimmed to the origin across sites.
import { secureHeaders } from 'hono/secure-headers';

/**
 * Scripts, styles, fonts and API calls come only from Steward itself. Ant Design (CSS-in-JS) and
 * Swagger UI set inline styles, hence 'unsafe-inline' for styles only; icons and charts use data:
 * and blob: images. No inline or eval'd scripts: the built index.html loads one module file.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export const securityHeaders = () =>
  secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    xFrameOptions: 'DENY',
    referrerPolicy: 'strict-origin-when-cross-origin',
    xContentTypeOptions: 'nosniff',
  });
