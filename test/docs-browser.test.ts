import { existsSync, mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { baseUrl, call } from "./harness";

/**
 * /docs renders offline: Debian's Chromium (never a downloaded browser build) opens the page with
 * every request to another origin blocked, and the operations list must render from the Worker's
 * own static assets. CI installs chromium (.ci/run); elsewhere the test is skipped without it.
 */
const executablePath = "/usr/bin/chromium";
const available = existsSync(executablePath);

describe.skipIf(!available && !process.env.CI)("API reference at /docs, offline", () => {
  it("serves the page with a strict Content-Security-Policy and no CDN", async () => {
    const page = await call("GET", "/docs");
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-eval");
    expect(page.text).not.toMatch(/https?:\/\//);
    const script = await call("GET", "/docs/scalar-standalone.js");
    expect(script.status).toBe(200);
    expect(script.text.length).toBeGreaterThan(100_000);
  });

  it("renders the operations list in Chromium with only the Worker reachable", async () => {
    const origin = new URL(baseUrl()).origin;
    const browser = await chromium.launch({
      executablePath,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const blocked: string[] = [];
      const cspViolations: string[] = [];
      await page.route("**/*", (route) => {
        const url = route.request().url();
        if (new URL(url).origin === origin) return route.continue();
        blocked.push(url);
        return route.abort("blockedbyclient");
      });
      page.on("console", (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      });
      await page.goto(`${origin}/docs`, { waitUntil: "load" });
      // The sidebar lists the tags from our document; opening Payments lists its operations.
      const payments = page.getByText("Payments", { exact: true }).first();
      await payments.waitFor({ state: "visible", timeout: 45_000 });
      await payments.click();
      await page.getByText("Create a payment").first().waitFor({ state: "visible", timeout: 15_000 });
      await expect(page.getByText("Capture an authorized payment").first().isVisible()).resolves.toBe(true);
      mkdirSync("test-artifacts", { recursive: true });
      await page.screenshot({ path: "test-artifacts/docs.png", fullPage: false });
      // The policy held: no script or style was refused (the reference's optional calls to its
      // vendor's registry are refused by connect-src, which is the point).
      expect(cspViolations.filter((text) => /script-src|style-src/.test(text))).toEqual([]);
      // Nothing on the page needs the internet: what was blocked was optional.
      expect(blocked.filter((url) => /\.(js|css)(\?|$)/.test(url))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
