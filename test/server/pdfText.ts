// Text extraction of the receipts tests: PDF.js (pdfjs-dist), the library Firefox renders PDFs with.
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

/** The text of every page, one string per line (items joined as PDF.js positions them). */
export async function pdfText(bytes: Buffer): Promise<{ lines: string[]; fonts: string[] }> {
  const task = getDocument({ data: new Uint8Array(bytes), useSystemFonts: false });
  const pdf = await task.promise;
  const lines: string[] = [];
  const fonts = new Set<string>();
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const content = await page.getTextContent();
    // Items whose baselines are within 4 pt form one line (a smaller font sits a little lower).
    const items: { x: number; y: number; s: string }[] = [];
    for (const item of content.items) {
      if (!("str" in item) || !item.str.trim()) continue;
      // transform is the text matrix [a, b, c, d, e, f]: e and f place the item on the page.
      const [, , , , x, y] = item.transform as number[];
      items.push({ x, y, s: item.str });
    }
    items.sort((a, b) => b.y - a.y);
    const rows: { y: number; items: typeof items }[] = [];
    for (const i of items) {
      const last = rows[rows.length - 1];
      if (last && last.y - i.y <= 4) last.items.push(i);
      else rows.push({ y: i.y, items: [i] });
    }
    for (const r of rows)
      lines.push(
        r.items
          .sort((a, b) => a.x - b.x)
          .map((i) => i.s)
          .join(" | ")
          // PDF.js reads the narrow no-break space of French thousands back as a space.
          .replace(/[\u00a0\u202f]/g, " "),
      );
    for (const f of Object.values(content.styles)) fonts.add(f.fontFamily);
  }
  await task.destroy();
  return { lines, fonts: [...fonts] };
}
