// A QR scanner in USB keyboard (HID) mode, as Linux shows it: /dev/input/eventN, a stream of
// `struct input_event { struct timeval time; __u16 type; __u16 code; __s32 value; }` in the host's
// byte order (little-endian on the Pi) — 24 bytes on a 64-bit kernel, 16 on a 32-bit one (the
// kernel's "Event interface", https://www.kernel.org/doc/html/latest/input/input.html; codes in
// https://www.kernel.org/doc/html/latest/input/event-codes.html and
// include/uapi/linux/input-event-codes.h). The scanner "types" the code: for each character an
// EV_KEY press (value 1) and release (value 0) of its key on a US layout, shifted with
// KEY_LEFTSHIFT / KEY_RIGHTSHIFT held, then KEY_ENTER. This turns those events back into text, one
// line per Enter, for ScannerInput's line reader. A key this table does not know becomes U+FFFD, so
// its line is refused as malformed rather than read as another code.

/** input_event's size here: timeval is two longs (8 bytes each on 64-bit, 4 on 32-bit). */
export const INPUT_EVENT_SIZE = ["arm64", "x64", "ppc64", "riscv64", "s390x", "loong64", "mips64el"].includes(
  process.arch,
)
  ? 24
  : 16;

const EV_KEY = 1;
const KEY_LEFTSHIFT = 42;
const KEY_RIGHTSHIFT = 54;
const KEY_CAPSLOCK = 58;
const KEY_ENTER = 28;
const KEY_KPENTER = 96;
const UNKNOWN = "\ufffd";

/** Key code → [unshifted, shifted] on a US layout (input-event-codes.h, KEY_1 = 2 … KEY_SLASH = 53). */
const KEYS = new Map<number, [string, string]>();
const row = (first: number, plain: string, shifted: string) => {
  for (let i = 0; i < plain.length; i++) KEYS.set(first + i, [plain[i], shifted[i]]);
};
row(2, "1234567890-=", "!@#$%^&*()_+"); // KEY_1 … KEY_EQUAL
row(16, "qwertyuiop[]", "QWERTYUIOP{}"); // KEY_Q … KEY_RIGHTBRACE
row(30, "asdfghjkl;'`", 'ASDFGHJKL:"~'); // KEY_A … KEY_GRAVE
row(43, "\\zxcvbnm,./", "|ZXCVBNM<>?"); // KEY_BACKSLASH … KEY_SLASH
KEYS.set(57, [" ", " "]); // KEY_SPACE

/** Decodes a stream of input_event structs into typed text ("\n" for Enter). */
export class EvdevKeyboard {
  private readonly size: number;
  private rest: Buffer = Buffer.alloc(0);
  private shifts = 0;
  private capsLock = false;

  constructor(eventSize = INPUT_EVENT_SIZE) {
    this.size = eventSize;
  }

  /** The text typed by the events in `chunk` (a partial event waits for the next chunk). */
  push(chunk: Buffer): string {
    const buf = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    const whole = buf.length - (buf.length % this.size);
    let out = "";
    for (let at = 0; at < whole; at += this.size) {
      // type, code and value are the last 8 bytes, after the timeval.
      const type = buf.readUInt16LE(at + this.size - 8);
      if (type !== EV_KEY) continue; // EV_SYN, EV_MSC (scan codes), EV_LED…
      out += this.key(buf.readUInt16LE(at + this.size - 6), buf.readInt32LE(at + this.size - 4));
    }
    this.rest = Buffer.from(buf.subarray(whole));
    return out;
  }

  private key(code: number, value: number): string {
    if (code === KEY_LEFTSHIFT || code === KEY_RIGHTSHIFT) {
      if (value === 1) this.shifts++;
      else if (value === 0) this.shifts = Math.max(0, this.shifts - 1);
      return "";
    }
    if (value !== 1) return ""; // a release (0) or an autorepeat (2) types nothing
    if (code === KEY_CAPSLOCK) {
      this.capsLock = !this.capsLock;
      return "";
    }
    if (code === KEY_ENTER || code === KEY_KPENTER) return "\n";
    const k = KEYS.get(code);
    if (!k) return UNKNOWN;
    const letter = k[0] >= "a" && k[0] <= "z";
    return this.shifts > 0 !== (letter && this.capsLock) ? k[1] : k[0];
  }
}
