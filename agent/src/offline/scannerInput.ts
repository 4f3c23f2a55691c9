// A QR scanner at a door, read as lines of text from a path: a scanner in USB-serial (CDC ACM) mode
// (/dev/ttyACM0), a FIFO, or any character device that yields one code per line — or, with format
// "evdev", a scanner in USB keyboard (HID) mode read from its /dev/input/eventN, whose key events
// are typed back into text first (evdevKeyboard.ts) (docs/door-agent.md, "The scanner"). Lines longer than `maxLine` are dropped whole (junk
// cannot grow memory), at most `maxPending` lines wait (the rest are dropped and counted), lines are
// decided one at a time, and the path is reopened after `reopenMs` when it ends or fails (a scanner
// unplugged and plugged back). A FIFO is opened read-write and non-blocking and read through the event
// loop (a net.Socket, as Node reads a piped stdin), so opening never blocks, it never reaches end of
// file when its writer goes away, and closing never waits on a blocked read. A character device is
// read as a file stream (its reads wait in libuv's thread pool).
import { constants, createReadStream, openSync, statSync } from "node:fs";
import { Socket } from "node:net";
import type { Readable } from "node:stream";
import type { AgentLogger } from "../log.ts";
import { EvdevKeyboard, INPUT_EVENT_SIZE } from "./evdevKeyboard.ts";

export type ScannerOptions = {
  path: string;
  /** "lines": text, one code per line (default); "evdev": Linux input events of a keyboard-mode scanner. */
  format?: "lines" | "evdev";
  /** evdev: the size of one input_event (24 on a 64-bit kernel, 16 on a 32-bit one). */
  eventSize?: number;
  onLine(line: string): Promise<unknown>;
  logger: AgentLogger;
  maxLine?: number;
  maxPending?: number;
  reopenMs?: number;
};

export class ScannerInput {
  private readonly o: Required<ScannerOptions>;
  private stream: Readable | null = null;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private partial = "";
  private overflow = false;
  private pending = 0;
  private chain: Promise<unknown> = Promise.resolve();
  readonly stats = { lines: 0, dropped: 0, reopened: 0 };

  constructor(o: ScannerOptions) {
    this.o = { maxLine: 1024, maxPending: 64, reopenMs: 1000, format: "lines", eventSize: INPUT_EVENT_SIZE, ...o };
    this.open();
  }

  /** Resolves when every line read so far has been decided. */
  idle(): Promise<unknown> {
    return this.chain;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.stream?.destroy();
  }

  private open(): void {
    if (this.closed) return;
    let fifo = false;
    try {
      fifo = statSync(this.o.path).isFIFO();
    } catch (err) {
      this.retry(err as Error);
      return;
    }
    let stream: Readable;
    try {
      stream = fifo
        ? new Socket({ fd: openSync(this.o.path, constants.O_RDWR | constants.O_NONBLOCK), readable: true })
        : createReadStream(this.o.path, { highWaterMark: 64 * this.o.eventSize }); // whole events per read
    } catch (err) {
      this.retry(err as Error);
      return;
    }
    this.stream = stream;
    if (this.o.format === "evdev") {
      const keyboard = new EvdevKeyboard(this.o.eventSize); // a reopened device starts a fresh decoder
      stream.on("data", (chunk) => this.feed(keyboard.push(chunk as Buffer)));
    } else {
      stream.setEncoding("latin1");
      stream.on("data", (chunk) => this.feed(chunk as string));
    }
    stream.on("error", (err) => this.retry(err));
    stream.on("end", () => this.retry(null));
  }

  private retry(err: Error | null): void {
    this.stream?.destroy();
    this.stream = null;
    if (this.closed) return;
    if (err) this.o.logger.warn({ path: this.o.path, err: err.message }, "scanner unreadable: retrying");
    this.stats.reopened++;
    this.timer = setTimeout(() => this.open(), this.o.reopenMs);
    this.timer.unref();
  }

  private feed(chunk: string): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(chunk.slice(start, i));
      start = i + 1;
    }
    this.append(chunk.slice(start));
  }

  private append(s: string): void {
    if (this.overflow) return;
    if (this.partial.length + s.length > this.o.maxLine) {
      this.overflow = true;
      this.partial = "";
      return;
    }
    this.partial += s;
  }

  private line(tail: string): void {
    this.append(tail);
    const line = this.partial;
    const overflow = this.overflow;
    this.partial = "";
    this.overflow = false;
    if (overflow || this.pending >= this.o.maxPending) {
      this.stats.dropped++;
      return;
    }
    if (line.trim() === "") return;
    this.stats.lines++;
    this.pending++;
    this.chain = this.chain
      .then(() => this.o.onLine(line))
      .catch((err: unknown) => this.o.logger.error({ err: (err as Error).message }, "scanned line not decided"))
      .finally(() => this.pending--);
  }
}
