// Months as periods of local dates, for the accounting export.
/** "2027-06" → ["2027-06-01", "2027-07-01"]: the month as a period of the venue's local dates. */
export function monthPeriod(month: string): [string, string] {
  const [y, m] = month.split("-").map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
  return [`${month}-01`, `${next}-01`];
}
