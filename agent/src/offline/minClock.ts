// The earliest time the agent's clock can sensibly show: this release's date. A Raspberry Pi has no
// real-time clock and boots at its last saved time or in 1970 until NTP answers; before this instant
// the offline path refuses every code (clock_unset). Raise it at each release.
export const MIN_CLOCK = Date.UTC(2026, 11, 1) / 1000;
