// A QR code as a small SVG (path data from protocol/qrPath.ts), crisp edges so an e-ink panel or a
// tablet scales it without blur.
import { qrPath } from "../../../protocol/qrPath.ts";

/** The code as SVG, decorative to screen readers: the element around it carries the label. */
export function qrSvg(text: string): string {
  const { size: n, d } = qrPath(text);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n} ${n}" shape-rendering="crispEdges" aria-hidden="true">` +
    `<rect width="${n}" height="${n}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`
  );
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
