import { createContext, useContext, useEffect, useState } from "react";
import type { Config } from "wagmi";
import type { Protocol } from "./lib/protocol.ts";
import type { Relayer } from "./lib/relayer.ts";
import { nowSeconds } from "./lib/time.ts";

export type AppServices = { protocol: Protocol; relayer: Relayer; wagmi: Config };

export const AppContext = createContext<AppServices | null>(null);

export function useApp(): AppServices {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error("AppContext missing");
  return ctx;
}

/** Wall-clock seconds, refreshed every `everyMs`. */
export function useNow(everyMs = 15_000): number {
  const [now, setNow] = useState(nowSeconds);
  useEffect(() => {
    const id = setInterval(() => setNow(nowSeconds()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}
