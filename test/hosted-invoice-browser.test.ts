import { readFileSync, writeFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Invoice, newDetailedInvoice, newOpenInvoice } from "../src/modules/invoices/testing";
import { query } from "./db";
import { createMerchant, type TestMerchant } from "./harness";
import { checkAccessible, chromiumAvailable, fillCard, launchChromium, openPage } from "./hosted-browser";

/**
 * The hosted invoice page in a real browser (Debian's Chromium): an invoice paid from its
 * hosted_invoice_url, a decline then another card, 3-D Secure, the void and unknown pages; axe-core
 * and a screenshot on each page (test-artifacts/hosted-invoice/), and the page's weight. One
 * browser and one merchant for the file.
 */
const ARTIFACTS = "test-artifacts/hosted-invoice";

let browser: Browser;
let merchant: TestMerchant;

async function invoiceStatus(id: string) {
  return (await merchant.sandbox.request<Invoice>("GET", `/invoices/${id}`)).body;
}

async function paymentStatuses(invoiceId: string): Promise<string[]> {
  const rows = await query<{ status: string }>(
    "select status from payments where metadata->>'invoice' = $1 order by created_at, id",
    [invoiceId],
  );
  return rows.map((row) => row.status);
}

async function pay(page: Page) {
  await page.getByRole("button", { name: /^Pay / }).click();
}

describe.skipIf(!chromiumAvailable && !process.env.CI)("hosted invoice page in Chromium", () => {
  beforeAll(async () => {
    merchant = await createMerchant();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("an invoice payment: paid with the success card from its hosted URL, then the receipt and the PDF; under 100 KB compressed, no accessibility violations", async () => {
    const invoice = await newDetailedInvoice(merchant);
    const { page, bytes } = await openPage(browser);
    const cspViolations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(invoice.hosted_invoice_url ?? "");
    await expect(page.locator("h1").textContent()).resolves.toBe(`Invoice ${invoice.number}`);
    await expect(page.locator(".summary").textContent()).resolves.toContain("Tax (8.25%)");
    await checkAccessible(page, ARTIFACTS, "invoice-open");
    expect([...bytes.keys()].sort()).toEqual(
      [`/invoice/${invoice.id}`, "/hosted/checkout.css", "/hosted/checkout.js"].sort(),
    );
    const weight = [...bytes.values()].reduce((sum, size) => sum + size, 0);
    expect(weight).toBeLessThanOrEqual(100 * 1024);
    writeFileSync(
      `${ARTIFACTS}/weight.json`,
      JSON.stringify({ ...Object.fromEntries(bytes), total: weight }),
    );

    await fillCard(page, "4242424242424242");
    await pay(page);
    await page.getByRole("heading", { name: "Receipt" }).waitFor();
    expect(await page.getByRole("status").textContent()).toContain("Payment received");
    await expect(page.locator(".receipt").textContent()).resolves.toContain("Paid with Visa ending in 4242");
    await checkAccessible(page, ARTIFACTS, "invoice-receipt");
    expect(await invoiceStatus(invoice.id)).toMatchObject({ status: "paid", amount_paid: 1424 });
    expect(await paymentStatuses(invoice.id)).toEqual(["succeeded"]);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download the invoice (PDF)" }).click(),
    ]);
    const file = await download.path();
    expect(readFileSync(file).subarray(0, 5).toString()).toBe("%PDF-");
    expect(cspViolations).toEqual([]);
    await page.close();
  }, 90_000);

  it("a declined card is announced, then another card pays", async () => {
    const invoice = await newOpenInvoice(merchant);
    const { page } = await openPage(browser);
    await page.goto(invoice.hosted_invoice_url ?? "");
    await fillCard(page, "4000000000000002");
    await pay(page);
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("declined");
    await checkAccessible(page, ARTIFACTS, "invoice-declined");
    await fillCard(page, "4242424242424242");
    await pay(page);
    await page.getByRole("heading", { name: "Receipt" }).waitFor();
    expect(await invoiceStatus(invoice.id)).toMatchObject({ status: "paid", attempt_count: 2 });
    expect(await paymentStatuses(invoice.id)).toEqual(["failed", "succeeded"]);
    await page.close();
  }, 90_000);

  it("3-D Secure: the challenge, then back to the receipt", async () => {
    const invoice = await newOpenInvoice(merchant);
    const { page } = await openPage(browser);
    await page.goto(invoice.hosted_invoice_url ?? "");
    await fillCard(page, "4000000000003220");
    await pay(page);
    await page.getByRole("button", { name: "Approve" }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/invoice-three-d-secure.png` });
    await page.getByRole("button", { name: "Approve" }).click();
    await page.waitForURL(/\/invoice\/in_\w+\/return\?/);
    await page.getByRole("heading", { name: "Receipt" }).waitFor();
    await checkAccessible(page, ARTIFACTS, "invoice-three-d-secure-return");
    expect(await invoiceStatus(invoice.id)).toMatchObject({ status: "paid" });
    expect(await paymentStatuses(invoice.id)).toEqual(["succeeded"]);
    await page.close();
  }, 90_000);

  it("a void invoice, an unknown one, and the page in French", async () => {
    const invoice = await newOpenInvoice(merchant);
    const { page } = await openPage(browser);
    await page.goto(`${invoice.hosted_invoice_url}&locale=fr`);
    await expect(page.locator("h1").textContent()).resolves.toBe(`Facture ${invoice.number}`);
    await checkAccessible(page, ARTIFACTS, "invoice-open-fr");
    await merchant.sandbox.request("POST", `/invoices/${invoice.id}/void`);
    await page.goto(invoice.hosted_invoice_url ?? "");
    expect(await page.getByRole("status").textContent()).toContain("This invoice was cancelled");
    await checkAccessible(page, ARTIFACTS, "invoice-void");
    const unknown = new URL(invoice.hosted_invoice_url ?? "");
    unknown.searchParams.set("token", "wrong");
    await page.goto(unknown.toString());
    expect(await page.getByRole("status").textContent()).toContain("This invoice does not exist.");
    await checkAccessible(page, ARTIFACTS, "invoice-not-found");
    await page.close();
  }, 90_000);
});
