import { createContext, useContext } from "react";
import type { Config } from "wagmi";
import type { Protocol } from "../lib/protocol.ts";
import type { Relayer } from "../lib/relayer.ts";
import type { RelayerHealthStore } from "../lib/relayerHealth.ts";

export type AppServices = { protocol: Protocol; relayer: Relayer; wagmi: Config; health: RelayerHealthStore };

export const AppContext = createContext<AppServices | null>(null);

export function useApp(): AppServices {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error("AppContext missing");
  return ctx;
}
