import type { Context } from "hono";

/**
 * The interactive API reference. Its script comes from the Worker's own static assets (public/docs/,
 * see scripts/docs-assets.mjs), never from a CDN, so the page works without internet. No inline
 * script: the page runs only files from this origin. Styles may be inline because the reference
 * injects its stylesheet at run time; nothing else (fonts, images, API calls) leaves the origin.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>MagnetPay API reference</title>
  </head>
  <body>
    <div id="app"></div>
    <script src="/docs/scalar-standalone.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

export function docsPage(c: Context): Response {
  c.header("Content-Security-Policy", DOCS_CONTENT_SECURITY_POLICY);
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "no-referrer");
  return c.html(page);
}
