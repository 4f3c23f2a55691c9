// Selector clashes along a delegatecall chain: Passepartout serves its own functions and sends any
// other selector to VenueRegistry by delegatecall, which does the same to OpeningHours. A selector
// declared by two of them is served by the first one only; the later module's function is silently
// unreachable. Read from the compiled ABIs.
import { toFunctionSelector, type Abi, type AbiFunction } from "viem";

/** A contract of the chain, in dispatch order. */
export type Module = { name: string; abi: Abi };

const functions = (abi: Abi): AbiFunction[] => abi.filter((item): item is AbiFunction => item.type === "function");
const signature = (f: AbiFunction) => `${f.name}(${f.inputs.map((i) => i.type).join(",")})`;

/** The module that serves each selector, and every selector a later module declares again. */
export function selectorClashes(chain: Module[]): string[] {
  const servedBy = new Map<string, { module: string; signature: string }>();
  const clashes: string[] = [];
  for (const { name, abi } of chain) {
    for (const f of functions(abi)) {
      const selector = toFunctionSelector(f);
      const first = servedBy.get(selector);
      if (first === undefined) servedBy.set(selector, { module: name, signature: signature(f) });
      else if (first.module !== name)
        clashes.push(`${selector}: ${name}.${signature(f)} is shadowed by ${first.module}.${first.signature}`);
    }
  }
  return clashes;
}

/** The functions of `surface` (the address's whole ABI) that no module of the chain declares. */
export function unservedFunctions(surface: Abi, chain: Module[]): string[] {
  const served = new Set(chain.flatMap(({ abi }) => functions(abi).map((f) => toFunctionSelector(f))));
  return functions(surface)
    .filter((f) => !served.has(toFunctionSelector(f)))
    .map(signature);
}
