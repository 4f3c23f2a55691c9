// A QR code as a small SVG (uqr: plain JavaScript, no dependency): one path of dark runs, a quiet
// zone of four modules as the standard asks, crisp edges so an e-ink panel or a tablet scales it
// without blur. Error correction M (15 %): a screen behind glass, a smudge, a reflection.
import { encode } from "uqr";

/** The code as SVG, decorative to screen readers: the element around it carries the label. */
export function qrSvg(text: string): string {
  const qr = encode(text, { ecc: "M", border: 4 });
  let d = "";
  qr.data.forEach((row, y) => {
    for (let x = 0; x < row.length;) {
      if (!row[x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x++;
      d += `M${start} ${y}h${x - start}v1h${start - x}z`;
    }
  });
  const n = qr.size;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n} ${n}" shape-rendering="crispEdges" aria-hidden="true">` +
    `<rect width="${n}" height="${n}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`
  );
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
