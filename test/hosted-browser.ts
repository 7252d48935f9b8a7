import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { type Browser, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import { baseUrl } from "./harness";

/**
 * What the browser tests of the hosted pages share: Debian's Chromium (never a downloaded build),
 * pages that reach only the Worker's origin and the test's own loopback servers (with no network,
 * Chromium fails a navigation to any other host before page.route sees it), the compressed weight
 * of what the Worker served, and axe-core with a screenshot of each page checked.
 */
const executablePath = "/usr/bin/chromium";
export const chromiumAvailable = existsSync(executablePath);
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/** A merchant's shop on loopback (where checkout sends the customer back): one page, "Thanks". */
export async function startShop(): Promise<{ url: string; close: () => void }> {
  const shop = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html" }).end("<title>Shop</title><p>Thanks</p>");
  });
  await new Promise<void>((resolve) => shop.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(shop.address() as AddressInfo).port}`, close: () => shop.close() };
}

/**
 * A page that reaches only the Worker and `origins`; `bytes` records, per path, the gzip size of
 * each body the Worker served (its weight over the wire).
 */
export async function openPage(
  browser: Browser,
  origins: string[] = [],
): Promise<{ page: Page; bytes: Map<string, number> }> {
  const origin = new URL(baseUrl()).origin;
  const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
  const bytes = new Map<string, number>();
  await page.route("**/*", async (route) => {
    const url = route.request().url();
    if (![origin, ...origins].includes(new URL(url).origin)) return route.abort("blockedbyclient");
    return route.continue();
  });
  page.on("response", async (response) => {
    if (!response.url().startsWith(origin) || response.status() >= 300) return;
    const body = await response.body().catch(() => null);
    if (body) bytes.set(new URL(response.url()).pathname, gzipSync(body).length);
  });
  return { page, bytes };
}

/**
 * axe-core on the page as it is: no violations; then a screenshot `<directory>/<name>.png`.
 * Evaluated over DevTools, so the page's CSP stays on.
 */
export async function checkAccessible(page: Page, directory: string, name: string) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await (
      globalThis as unknown as { axe: { run: () => Promise<{ violations: unknown[] }> } }
    ).axe.run();
    return result.violations;
  });
  expect(violations, name).toEqual([]);
  mkdirSync(directory, { recursive: true });
  await page.screenshot({ path: `${directory}/${name}.png`, fullPage: true });
}

/** The hosted pages' card fields, filled in English. */
export async function fillCard(page: Page, number: string) {
  await page.getByLabel("Card number").fill(number);
  await page.getByLabel("Expiry (MM/YY)").fill("12/40");
  await page.getByLabel("Security code (CVC)").fill("123");
  await page.getByLabel("Name on card").fill("Ada Lovelace");
}
