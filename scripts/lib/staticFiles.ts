// Static answers of the dApp's origin: built files and config.json, compressed (brotli or gzip, as
// the browser accepts) and validated by ETag, so a repeat visit costs 304s and the scripts travel
// at a fraction of their size. Compressed bodies are computed once per file version and kept.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import type http from "node:http";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

type Body = { etag: string; raw: Buffer; br: Buffer | null; gzip: Buffer | null };

/** Worth compressing: text formats (images and fonts are compressed already). */
const COMPRESSIBLE = /^(text\/|application\/(json|javascript)|image\/svg)/;

function makeBody(raw: Buffer, type: string): Body {
  const etag = `"${createHash("sha256").update(raw).digest("base64url").slice(0, 22)}"`;
  const compress = COMPRESSIBLE.test(type) && raw.length > 512;
  return {
    etag,
    raw,
    br: compress ? brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }) : null,
    gzip: compress ? gzipSync(raw, { level: 9 }) : null,
  };
}

/** Answers `body` with its validators; 304 when the browser already holds this version. */
function send(req: http.IncomingMessage, res: http.ServerResponse, body: Body, headers: Record<string, string>): void {
  const common = { ...headers, etag: body.etag, vary: "accept-encoding" };
  if (req.headers["if-none-match"] === body.etag) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  const accepts = String(req.headers["accept-encoding"] ?? "");
  const [encoding, data] =
    body.br && /\bbr\b/.test(accepts)
      ? ["br", body.br]
      : body.gzip && /\bgzip\b/.test(accepts)
        ? ["gzip", body.gzip]
        : [null, body.raw];
  res.writeHead(200, {
    ...common,
    "content-length": String(data.length),
    ...(encoding ? { "content-encoding": encoding } : {}),
  });
  res.end(req.method === "HEAD" ? undefined : data);
}

export function staticFiles() {
  const files = new Map<string, { mtimeMs: number; size: number; body: Body }>();
  return {
    /** A file of the build, compressed once per version. */
    file(req: http.IncomingMessage, res: http.ServerResponse, file: string, headers: Record<string, string>): void {
      const st = statSync(file);
      let hit = files.get(file);
      if (!hit || hit.mtimeMs !== st.mtimeMs || hit.size !== st.size) {
        hit = { mtimeMs: st.mtimeMs, size: st.size, body: makeBody(readFileSync(file), headers["content-type"] ?? "") };
        files.set(file, hit);
      }
      send(req, res, hit.body, headers);
    },
    /** A JSON document computed by the server (config.json). */
    json(req: http.IncomingMessage, res: http.ServerResponse, value: unknown, cacheControl: string): void {
      const type = "application/json";
      send(req, res, makeBody(Buffer.from(JSON.stringify(value)), type), {
        "content-type": type,
        "cache-control": cacheControl,
      });
    },
  };
}
