// A receipt or credit note as a PDF, laid out with pdfkit. The fonts are DejaVu Sans from the
// `dejavu-fonts-ttf` package, embedded (subset) in the file: every accent of French renders in any
// viewer and text extraction reads it back; nothing is fetched at run time.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BillingDocument } from "./derive.ts";
import { LABELS, type Lang } from "./labels.ts";
import { localAmount, type CurrencyInfo } from "./money.ts";
import { localDateAndTime } from "./localTime.ts";

const font = (file: string) => readFileSync(fileURLToPath(import.meta.resolve(`dejavu-fonts-ttf/ttf/${file}`)));

/** pdfkit and the fonts, loaded with the first PDF: a relayer that serves none starts without them. */
let toolkit: Promise<{ PDFDocument: typeof import("pdfkit"); regular: Buffer; bold: Buffer }> | null = null;
const loadToolkit = () =>
  (toolkit ??= import("pdfkit").then((m) => ({
    PDFDocument: m.default,
    regular: font("DejaVuSans.ttf"),
    bold: font("DejaVuSans-Bold.ttf"),
  })));

export type PdfInput = {
  doc: BillingDocument;
  lang: Lang;
  currency: CurrencyInfo;
  timeZone: string;
  /** Fixed creation date of the file (the document's date), so the same document gives the same bytes. */
  createdAt: Date;
};

/** The lines of a document, label and value, in the order the PDF prints them (tests read them back). */
export function documentLines({ doc, lang, currency, timeZone }: Omit<PdfInput, "createdAt">): {
  title: string;
  seller: string[];
  details: [string, string][];
  amounts: [string, string][];
  footer: string;
} {
  const L = LABELS[lang];
  const money = (x: bigint) => localAmount(x, currency, lang);
  const [startDate, startTime] = localDateAndTime(doc.start, timeZone);
  const [endDate, endTime] = localDateAndTime(doc.end, timeZone);
  const window =
    startDate === endDate
      ? `${startDate} ${startTime}–${endTime}`
      : `${startDate} ${startTime} ${L.to} ${endDate} ${endTime}`;
  const seller = doc.seller
    ? [
        doc.seller.legalName,
        doc.seller.postalAddress,
        ...(doc.seller.gstNumber ? [`${L.gstNumber} ${doc.seller.gstNumber}`] : []),
        ...(doc.seller.qstNumber ? [`${L.qstNumber} ${doc.seller.qstNumber}`] : []),
      ]
    : [L.noProfile];
  const details: [string, string][] = [
    [L.number, doc.id],
    [L.date, doc.time === null ? "" : localDateAndTime(doc.time, timeZone).join(" ")],
    [L.member, doc.member],
    [L.resource, doc.resourceName || `#${doc.resourceId}`],
    [L.window, window],
    [L.timeZone, timeZone],
    [L.passId, `#${doc.passId}`],
    [L.currency, currency.symbol],
    ...(doc.refersTo ? ([[L.refersTo, doc.refersTo]] as [string, string][]) : []),
    [L.txHash, doc.txHash],
    [L.block, String(doc.block)],
  ];
  const amounts: [string, string][] = [
    [L.preTax, money(doc.preTax)],
    [L.gst, doc.taxable ? money(doc.gst) : `${money(doc.gst)} (${L.notTaxable})`],
    [L.qst, doc.taxable ? money(doc.qst) : `${money(doc.qst)} (${L.notTaxable})`],
    [doc.kind === "receipt" ? L.total : L.totalRefunded, money(doc.total)],
    ...(doc.kind === "credit_note" ? ([[L.retained, money(doc.retained)]] as [string, string][]) : []),
    ...(doc.serviceFee !== 0n
      ? ([[doc.kind === "receipt" ? L.serviceFeePaid : L.serviceFeeTaken, money(doc.serviceFee)]] as [string, string][])
      : []),
  ];
  return { title: `${L[doc.kind]} ${doc.id}`, seller, details, amounts, footer: L.footer };
}

/** The PDF's bytes. */
export async function renderPdf(input: PdfInput): Promise<Buffer> {
  const { PDFDocument, regular, bold } = await loadToolkit();
  const lines = documentLines(input);
  const pdf = new PDFDocument({
    size: "LETTER",
    margin: 56,
    lang: input.lang === "fr" ? "fr-CA" : "en-CA",
    info: { Title: lines.title, Producer: "Passepartout", Creator: "Passepartout", CreationDate: input.createdAt },
  });
  const chunks: Buffer[] = [];
  pdf.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on("end", () => resolve(Buffer.concat(chunks)));
    pdf.on("error", reject);
  });
  pdf.registerFont("regular", regular);
  pdf.registerFont("bold", bold);
  pdf.font("bold").fontSize(18).text(lines.title);
  pdf.moveDown(0.5);
  pdf.font("regular").fontSize(10);
  for (const s of lines.seller) pdf.text(s);
  pdf.moveDown();
  const row = (label: string, value: string, bold = false) => {
    const y = pdf.y;
    pdf.font("bold").fontSize(10).text(label, 56, y, { width: 150 });
    const labelBottom = pdf.y;
    // A hash (66 characters) fits on one line at 7.5 pt.
    pdf
      .font(bold ? "bold" : "regular")
      .fontSize(value.length > 48 ? 7.5 : 10)
      .text(value, 210, y, { width: 346 });
    pdf.y = Math.max(pdf.y, labelBottom);
  };
  for (const [label, value] of lines.details) row(label, value);
  pdf.moveDown();
  lines.amounts.forEach(([label, value], i) => row(label, value, i === 3));
  pdf.moveDown(2);
  pdf.font("regular").fontSize(8).text(lines.footer, 56);
  pdf.end();
  return done;
}
