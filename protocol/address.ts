// Address comparison shared by the relayer, the lock simulator, scripts and the dApp.

/** True when two addresses are the same account, whatever their checksum casing. */
export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
