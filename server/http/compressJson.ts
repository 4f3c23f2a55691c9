// Compressed JSON answers: the read API's lists (venues, resources, passes) are text that shrinks
// to a fraction, so `res.json` sends them brotli- or gzip-encoded when the client accepts it and the
// body is worth it. Small answers (errors, door decisions) go as they are.
import type { NextFunction, Request, Response } from "express";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/** Below this, the encoding's framing costs more than it saves. */
export const COMPRESS_MIN_BYTES = 1024;

/** The encoding to use for `accept-encoding`, brotli first; null for identity. */
export function pickEncoding(accept: string | undefined): "br" | "gzip" | null {
  const offered = new Map<string, number>();
  for (const part of (accept ?? "").toLowerCase().split(",")) {
    const [name, ...params] = part.trim().split(";");
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    offered.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (offered.get(name) ?? (offered.get("*") || 0)) > 0;
  if (ok("br")) return "br";
  if (ok("gzip")) return "gzip";
  return null;
}

export function compressJson(req: Request, res: Response, next: NextFunction): void {
  const json = res.json.bind(res);
  res.json = (value: unknown) => {
    const raw = Buffer.from(JSON.stringify(value) ?? "null");
    // A small answer is always sent as is: it does not vary with the client's encodings.
    if (raw.length < COMPRESS_MIN_BYTES) return json(value);
    res.vary("Accept-Encoding");
    const encoding = pickEncoding(req.headers["accept-encoding"]);
    if (!encoding) return json(value);
    // Quality 5: most of brotli's gain at a few milliseconds for the largest lists.
    const body =
      encoding === "br"
        ? brotliCompressSync(raw, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
          })
        : gzipSync(raw, { level: 6 });
    if (!res.get("content-type")) res.type("application/json; charset=utf-8");
    res.set("content-encoding", encoding);
    return res.send(body);
  };
  next();
}
