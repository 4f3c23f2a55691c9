// The door screen's page: one self-contained HTML document (inline style and script, the QR code
// inline as SVG, nothing fetched from elsewhere), black on white in large type so it reads on a
// tablet or an e-ink panel beside the door. It follows the browser's language (Accept-Language),
// or `?lang=fr|en` from the toggle, and updates itself from the agent: Server-Sent Events where the
// browser has them, else polling; with no script at all it reloads every rotation.
import { escapeHtml } from "./qrSvg.ts";

export type Lang = "fr" | "en";

const TEXT = {
  fr: {
    door: "Porte nº {id}",
    scan: "Scannez avec votre téléphone pour ouvrir",
    changes: "Le code change toutes les {s} s.",
    qr: "Code QR pour ouvrir la porte",
    opened: "Ouvert — entrez",
    jammed: "La serrure est bloquée — prévenez le lieu",
    unreachable: "La serrure ne répond pas — réessayez",
    refused: "Refusé — scannez de nouveau",
    other: "English",
    unknown: "Porte inconnue",
    unknownText: "Cet agent ne sert pas cette porte.",
  },
  en: {
    door: "Door #{id}",
    scan: "Scan with your phone to open",
    changes: "The code changes every {s} s.",
    qr: "QR code to open the door",
    opened: "Open — come in",
    jammed: "The lock is jammed — tell the venue",
    unreachable: "The lock did not answer — try again",
    refused: "Refused — scan again",
    other: "Français",
    unknown: "Unknown door",
    unknownText: "This agent does not serve this door.",
  },
} as const;

/** `?lang=` when given, else the first of French or English in Accept-Language; French by default. */
export function pickLang(query: string | null, acceptLanguage: string | undefined): Lang {
  if (query === "fr" || query === "en") return query;
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part, i) => {
      const [tag, ...params] = part.trim().toLowerCase().split(";");
      const q = params.map((p) => /^q=([0-9.]+)$/.exec(p.trim())?.[1]).find(Boolean);
      return { lang: tag.split("-")[0], q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => (x.lang === "fr" || x.lang === "en") && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return (ranked[0]?.lang as Lang | undefined) ?? "fr";
}

/** The words the page shows for an agent decision. */
export function decisionText(lang: Lang, d: { result: string; reason: string }): string {
  const t = TEXT[lang];
  if (d.result === "opened") return t.opened;
  if (d.result === "jammed") return t.jammed;
  return d.reason === "lock_unreachable" ? t.unreachable : t.refused;
}

const fill = (s: string, vars: Record<string, string | number>) =>
  s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k]));

const STYLE = `
html,body{margin:0;height:100%;background:#fff;color:#000;font-family:system-ui,sans-serif}
main{min-height:100%;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:2vh;padding:3vh 3vw;box-sizing:border-box;text-align:center}
h1{font-size:clamp(2rem,7vmin,5rem);margin:0}
p{font-size:clamp(1.2rem,4vmin,2.6rem);margin:0}
#qr svg{width:min(70vmin,36rem);height:auto;display:block}
#qr[hidden],#msg[hidden]{display:none}
#msg{font-size:clamp(2.4rem,10vmin,7rem);font-weight:700;border:.4rem solid #000;padding:4vmin 6vmin}
.small{font-size:clamp(1rem,2.6vmin,1.6rem)}
a{color:#000}
`;

export function screenPage(o: {
  lang: Lang;
  door: number;
  name?: string;
  svg: string;
  link: string;
  rotateSeconds: number;
  showDecisionMs: number;
}): string {
  const t = TEXT[o.lang];
  const other: Lang = o.lang === "fr" ? "en" : "fr";
  const title = o.name ?? fill(t.door, { id: o.door });
  const words = {
    opened: t.opened,
    jammed: t.jammed,
    unreachable: t.unreachable,
    refused: t.refused,
  };
  // Reads the agent's updates: {svg} replaces the code, {decision} shows its words for a moment.
  const script = `(() => {
const W = ${JSON.stringify(words)}, qr = document.getElementById("qr"), msg = document.getElementById("msg");
let hide;
function say(d) {
  msg.textContent = d.result === "opened" ? W.opened : d.result === "jammed" ? W.jammed : d.reason === "lock_unreachable" ? W.unreachable : W.refused;
  msg.dataset.result = d.result; msg.hidden = false; qr.hidden = true;
  clearTimeout(hide); hide = setTimeout(() => { msg.hidden = true; qr.hidden = false; }, ${o.showDecisionMs});
}
let seen = 0;
function apply(s) {
  if (s.svg) { qr.innerHTML = s.svg; qr.dataset.link = s.link; }
  if (s.decision && s.decision.seq > seen) { seen = s.decision.seq; say(s.decision); }
}
const base = location.pathname.replace(/\\/$/, "");
if (window.EventSource) {
  const es = new EventSource(base + "/events");
  es.onmessage = (e) => apply(JSON.parse(e.data));
} else {
  const poll = () => fetch(base + "/state", { cache: "no-store" }).then((r) => r.json()).then(apply).catch(() => {}).finally(() => setTimeout(poll, 1500));
  poll();
}
})();`;
  return `<!doctype html>
<html lang="${o.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<noscript><meta http-equiv="refresh" content="${o.rotateSeconds}"></noscript>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(t.scan)}</p>
<div id="qr" role="img" aria-label="${escapeHtml(t.qr)}" data-link="${escapeHtml(o.link)}">${o.svg}</div>
<p id="msg" role="status" aria-live="assertive" hidden></p>
<p class="small">${escapeHtml(fill(t.changes, { s: o.rotateSeconds }))} · <a href="?lang=${other}" lang="${other}">${t.other}</a></p>
</main>
<script>${script}</script>
</body>
</html>
`;
}

export function notFoundPage(lang: Lang): string {
  const t = TEXT[lang];
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${t.unknown}</title><style>${STYLE}</style></head>
<body><main><h1>${t.unknown}</h1><p>${t.unknownText}</p></main></body></html>
`;
}
