// A small HTTP client for LAN devices (node:http / node:https, no dependency): one request, a body
// limit, and the caller's AbortSignal (the command's budget).
import http from "node:http";
import https from "node:https";

export type HttpAnswer = { status: number; headers: http.IncomingHttpHeaders; body: string };

export function httpRequest(
  url: URL,
  opts: { method?: string; headers?: Record<string, string>; body?: string; signal: AbortSignal },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const transport = url.protocol === "https:" ? https : http;
    const req = transport.request(
      url,
      {
        method: opts.method ?? "GET",
        signal: opts.signal,
        agent: false,
        headers: {
          ...(opts.body
            ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(opts.body)) }
            : {}),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > 65_536) req.destroy(new Error("device answer too large"));
          else chunks.push(c);
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

export function abortable(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error("aborted"));
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new Error("aborted"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
