// Every log line a request writes carries that request's id (req.log, a pino child per request,
// server/http/requestLog.ts, mounted first by the relayer's app), and two requests never share one.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import express from "express";
import pino from "pino";
import { requestLogging } from "../../server/http/requestLog.ts";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split("\n")) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: "debug" }, stream) };
}

describe("request logging", () => {
  it("puts the request's id on every line it logs, one id per request", async () => {
    const { lines, logger } = capture();
    const app = express();
    app.use(requestLogging(app, logger));
    app.get("/work/:n", async (req, res) => {
      req.log.info({ step: 1, n: req.params.n }, "started");
      await new Promise((r) => setTimeout(r, 10)); // the two requests interleave
      req.log.warn({ step: 2, n: req.params.n }, "finished");
      res.json({ id: req.id });
    });
    app.get("/quiet", (req, res) => {
      res.json({ id: req.id });
    });
    const server = app.listen(0, "127.0.0.1");
    try {
      await new Promise((r) => server.once("listening", r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const answers = await Promise.all(
        ["/work/a", "/work/b", "/quiet"].map(
          async (p) => ((await (await fetch(base + p)).json()) as { id: string }).id,
        ),
      );
      assert.equal(new Set(answers).size, 3, "each request has its own id");
      for (const id of answers) assert.match(id, /^[0-9a-f-]{36}$/);
      assert.equal(lines.length, 4, "the quiet request logged nothing");
      for (const [i, n] of [
        [0, "a"],
        [1, "b"],
      ] as const) {
        const mine = lines.filter((l) => l.n === n);
        assert.deepEqual(
          mine.map((l) => [l.step, l.requestId]),
          [
            [1, answers[i]],
            [2, answers[i]],
          ],
        );
      }
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
