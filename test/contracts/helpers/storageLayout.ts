// Compares solc storage layouts of contracts that share storage by delegatecall.
import type { StorageEntry, StorageLayout, StorageType } from "./buildInfo.ts";

/**
 * A type spelled out in full (label, size, encoding, and recursively its members, key, value or
 * base), without solc's type ids: those embed AST ids, which differ between builds.
 */
function describeType(id: string, types: StorageLayout["types"]): unknown {
  const t: StorageType | undefined = types?.[id];
  if (t === undefined) throw new Error(`storage type ${id} is not described in its layout`);
  return {
    label: t.label,
    encoding: t.encoding,
    numberOfBytes: t.numberOfBytes,
    ...(t.members && { members: t.members.map((m) => describeEntry(m, types)) }),
    ...(t.key && { key: describeType(t.key, types) }),
    ...(t.value && { value: describeType(t.value, types) }),
    ...(t.base && { base: describeType(t.base, types) }),
  };
}

function describeEntry(e: StorageEntry, types: StorageLayout["types"]): string {
  return JSON.stringify({ label: e.label, slot: e.slot, offset: e.offset, type: describeType(e.type, types) });
}

export type Named = { name: string; layout: StorageLayout };

/**
 * A state variable's identity: its name, unique in a contract and its bases (Solidity forbids
 * shadowing state variables). Unlike solc's AST id it is the same in every build, so contracts
 * compiled in separate jobs (VenueRegistry has its own optimizer settings) compare.
 */
export const variableKey = (e: StorageEntry): string => e.label;

/**
 * What is wrong with two contracts' layouts for sharing storage by delegatecall; empty when fine.
 * Both must start with exactly the variables of `shared` (the storage contract both inherit first:
 * nothing declared before it or in between), and agree on every variable, slot, offset and type (in
 * full, struct members included) for as long as both declare variables; only one of them may
 * declare more, after the other's last one.
 */
export function layoutMismatches(a: Named, b: Named, shared: Named): string[] {
  const problems: string[] = [];
  const sharedIds = shared.layout.storage.map(variableKey);
  for (const { name, layout } of [a, b]) {
    for (const [i, id] of sharedIds.entries()) {
      const e = layout.storage[i];
      if (e === undefined) {
        problems.push(`${name} lacks ${shared.name}'s \`${shared.layout.storage[i].label}\``);
        break;
      }
      if (variableKey(e) !== id) {
        problems.push(
          `${name} declares \`${e.label}\` at slot ${e.slot} (offset ${e.offset}) where ${shared.name} has ` +
            `\`${shared.layout.storage[i].label}\`, before the shared storage ends`,
        );
        break;
      }
    }
  }
  const n = Math.min(a.layout.storage.length, b.layout.storage.length);
  for (let i = 0; i < n; i++) {
    const ea = a.layout.storage[i];
    const eb = b.layout.storage[i];
    const da = describeEntry(ea, a.layout.types);
    const db = describeEntry(eb, b.layout.types);
    if (da !== db) problems.push(`variable #${i}: ${a.name} has ${da}, ${b.name} has ${db}`);
  }
  return problems;
}
