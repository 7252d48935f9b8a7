import { PDFDocument, type PDFFont, type PDFPage, StandardFonts } from "pdf-lib";
import type { ServiceContext } from "../../core/context";
import { formatAmount } from "../../core/money";
import { retrieveCustomer } from "../customers/service";
import { taxRatesQuery } from "../tax-rates/service";
import { readInvoice, toInvoice } from "./rows";
import type { Invoice } from "./schemas";

const PAGE: [number, number] = [595.28, 841.89]; // A4 in points
const MARGIN = 50;
const LINE = 16;

/**
 * The standard fonts encode WinAnsi only: anything else a merchant or customer typed (emoji, CJK)
 * is shown as "?" rather than failing the document.
 */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7E\xA0-\xFF€]/g, "?");
}

/** Writes rows top-down, starting a new page when one is full. */
class Writer {
  private page: PDFPage;
  private y: number;

  constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.page = doc.addPage(PAGE);
    this.y = PAGE[1] - MARGIN;
  }

  row(
    cells: Array<{ text: string; x: number; right?: boolean }>,
    options: { bold?: boolean; size?: number } = {},
  ) {
    if (this.y < MARGIN + LINE) {
      this.page = this.doc.addPage(PAGE);
      this.y = PAGE[1] - MARGIN;
    }
    const font = options.bold ? this.bold : this.font;
    const size = options.size ?? 10;
    for (const cell of cells) {
      const text = printable(cell.text);
      const x = cell.right ? cell.x - font.widthOfTextAtSize(text, size) : cell.x;
      this.page.drawText(text, { x, y: this.y, size, font });
    }
    this.y -= size > 12 ? LINE * 1.6 : LINE;
  }

  gap() {
    this.y -= LINE / 2;
  }
}

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : "-");

/** The invoice as a PDF, drawn with pdf-lib in the Worker (no browser); the same invoice gives the same bytes. */
export async function renderInvoicePdf(
  invoice: Invoice,
  customer: { name: string | null; email: string | null },
  taxNames: Map<string, string>,
): Promise<Uint8Array<ArrayBuffer>> {
  const doc = await PDFDocument.create();
  const stamp = new Date(invoice.status_transitions.finalized_at ?? invoice.created_at);
  doc.setTitle(`Invoice ${invoice.number ?? invoice.id}`);
  doc.setCreator("MagnetPay");
  doc.setProducer("MagnetPay");
  doc.setCreationDate(stamp);
  doc.setModificationDate(stamp);
  const writer = new Writer(
    doc,
    await doc.embedFont(StandardFonts.Helvetica),
    await doc.embedFont(StandardFonts.HelveticaBold),
  );
  const money = (amount: number) => `${formatAmount(amount, invoice.currency)} ${invoice.currency}`;
  const right = PAGE[0] - MARGIN;

  writer.row([{ text: invoice.number ? `Invoice ${invoice.number}` : "Draft invoice", x: MARGIN }], {
    bold: true,
    size: 18,
  });
  writer.row([
    { text: `Status: ${invoice.status}`, x: MARGIN },
    { text: invoice.id, x: right, right: true },
  ]);
  writer.row([{ text: `Billed to: ${customer.name ?? customer.email ?? invoice.customer}`, x: MARGIN }]);
  if (customer.name && customer.email) writer.row([{ text: customer.email, x: MARGIN }]);
  writer.row([
    { text: `Issued: ${day(invoice.status_transitions.finalized_at)}`, x: MARGIN },
    { text: `Due: ${day(invoice.due_date)}`, x: right, right: true },
  ]);
  if (invoice.description) writer.row([{ text: invoice.description.slice(0, 100), x: MARGIN }]);
  writer.gap();

  writer.row(
    [
      { text: "Description", x: MARGIN },
      { text: "Qty", x: 380, right: true },
      { text: "Amount", x: right, right: true },
    ],
    { bold: true },
  );
  for (const line of invoice.lines) {
    writer.row([
      { text: (line.description ?? line.price ?? line.invoice_item).slice(0, 60), x: MARGIN },
      { text: String(line.quantity), x: 380, right: true },
      { text: money(line.amount), x: right, right: true },
    ]);
  }
  writer.gap();

  const total = (label: string, amount: string, bold = false) =>
    writer.row(
      [
        { text: label, x: 300 },
        { text: amount, x: right, right: true },
      ],
      { bold },
    );
  total("Subtotal", money(invoice.subtotal));
  if (invoice.discount_amount > 0) total("Discount", `-${money(invoice.discount_amount)}`);
  for (const tax of invoice.taxes) {
    const name = taxNames.get(tax.tax_rate) ?? "Tax";
    total(`${name} ${tax.percentage}%${tax.inclusive ? " (included)" : ""}`.slice(0, 40), money(tax.amount));
  }
  total("Total", money(invoice.total), true);
  total("Amount paid", money(invoice.amount_paid));
  total("Amount remaining", money(invoice.amount_remaining), true);
  if (invoice.payment_reference) total("Payment reference", invoice.payment_reference.slice(0, 40));
  // A copy on its own ArrayBuffer, which a Response body takes.
  return new Uint8Array(await doc.save());
}

/** The invoice's PDF: the invoice, then its customer and its tax rates' names (read side by side). */
export async function invoicePdf({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<Uint8Array<ArrayBuffer>> {
  const row = await readInvoice(ctx, id);
  const invoice = toInvoice(row, ctx.services.config.PUBLIC_URL);
  const [customer, rates] = await Promise.all([
    retrieveCustomer({ ctx, id: row.customerId }),
    invoice.taxes.length > 0
      ? taxRatesQuery(
          ctx,
          invoice.taxes.map((tax) => tax.tax_rate),
        )
      : Promise.resolve([]),
  ]);
  return renderInvoicePdf(invoice, customer, new Map(rates.map((rate) => [rate.id, rate.displayName])));
}
