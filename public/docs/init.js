// Starts the API reference. A file rather than an inline script, so the page's
// Content-Security-Policy can forbid inline scripts (script-src 'self').
globalThis.Scalar.createApiReference("#app", {
  url: "/api/v1/openapi.json",
  withDefaultFonts: false,
  hideClientButton: true,
  telemetry: false,
});
