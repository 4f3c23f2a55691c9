// A QR code as SVG path data (uqr: plain JavaScript, no network), shared by the door agent's screen
// and the dApp's offline door code: one path of dark runs, a quiet zone of four modules as the
// standard asks. Error correction M (15 %): a screen behind glass, a smudge, a scratched scanner.
import { encode } from "uqr";

export function qrPath(text: string): { size: number; d: string } {
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
  return { size: qr.size, d };
}
