// A page's services without a chain or a relayer, for component tests: a read model answering from
// plain objects, a viem client whose eth_call is answered by per-function handlers (encoded and
// decoded with the generated ABI, so a changed signature fails here too), and the providers a page
// needs (react-query, i18n, the app context).
import type { ReactNode } from "react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import {
  createClient,
  custom,
  decodeFunctionData,
  defineChain,
  encodeFunctionResult,
  erc20Abi,
  type Abi,
  type Address,
  type Hex,
} from "viem";
import type { Config } from "wagmi";
import { passepartoutAbi } from "../../../protocol/abis.ts";
import { sameAddress } from "../../../protocol/address.ts";
import { AppContext } from "../hooks/useApp.ts";
import { I18nProvider } from "../i18n/i18n.tsx";
import type { Lang } from "../i18n/messages.ts";
import type { Protocol } from "../lib/protocol.ts";
import type { ReadApi } from "../lib/readApi.ts";
import type { Relayer } from "../lib/relayer.ts";
import { createRelayerHealth } from "../lib/relayerHealth.ts";

export const PASSEPARTOUT: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
export const TOKEN: Address = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

/** Handlers of the contract's views by function name: arguments in, the ABI's result out. */
export type ChainViews = Record<string, (...args: readonly never[]) => unknown>;

let floors = 0;

export function fakeProtocol(api: Partial<ReadApi>, views: ChainViews): Protocol {
  const chain = defineChain({
    id: 31337,
    name: "test",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: ["http://127.0.0.1:1"] } },
  });
  const token = { symbol: () => "tCAD", decimals: () => 6 } as ChainViews;
  const client = createClient({
    chain,
    transport: custom({
      request({ method, params }: { method: string; params: [{ to: Address; data: Hex }] }) {
        if (method === "eth_chainId") return Promise.resolve("0x7a69");
        if (method !== "eth_call") return Promise.reject(new Error(`unexpected ${method}`));
        const { to, data } = params[0];
        const abi = (sameAddress(to, TOKEN) ? erc20Abi : passepartoutAbi) as Abi;
        const handlers = sameAddress(to, TOKEN) ? token : views;
        const { functionName, args } = decodeFunctionData({ abi, data });
        const handler = handlers[functionName];
        if (!handler) return Promise.reject(new Error(`no fake for ${functionName}`));
        const result = handler(...((args ?? []) as readonly never[]));
        return Promise.resolve(encodeFunctionResult({ abi, functionName, result }));
      },
    }),
  });
  // A floor of its own: the venues answer is shared per floor for a second (lib/protocol.ts).
  const floor = ++floors * 1_000_000;
  return {
    config: {} as Protocol["config"],
    chain,
    client,
    address: PASSEPARTOUT,
    contract: { address: PASSEPARTOUT, abi: passepartoutAbi },
    api: {
      floor: () => floor,
      noteMined: () => undefined,
      currencies: () => Promise.resolve([TOKEN]),
      ...api,
    } as ReadApi,
    testToken: null,
  };
}

/** Renders `ui` with the app's providers; `me` is the address of the relayer's SIWE session (null: none);
 * `relayer` adds or replaces relayer calls. */
export function withApp(
  ui: ReactNode,
  {
    protocol,
    me,
    lang = "en",
    relayer: more,
  }: { protocol: Protocol; me: Address | null; lang?: Lang; relayer?: Partial<Relayer> },
): ReactNode {
  try {
    if (me) sessionStorage.setItem("passepartout.session", me);
    else sessionStorage.removeItem("passepartout.session");
  } catch {
    // no storage in this environment
  }
  const relayer = {
    me: () => Promise.resolve(me),
    file: () => Promise.resolve(new Blob([])),
    ...more,
  } as unknown as Relayer;
  const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const health = createRelayerHealth({ probe: () => Promise.resolve(), onRecovered: () => {} });
  return (
    <QueryClientProvider client={queries}>
      <I18nProvider lang={lang}>
        <AppContext.Provider value={{ protocol, relayer, wagmi: {} as Config, health }}>{ui}</AppContext.Provider>
      </I18nProvider>
    </QueryClientProvider>
  );
}
