// The SIWE session with the relayer, remembered per tab.
import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import { sameAddress } from "../../../protocol/address.ts";
import { useApp } from "./useApp.ts";
import { useAccount } from "./queries.ts";

const SESSION_HINT = "passepartout.session";

/** Remembers (for this tab) that a SIWE session was opened, so a signed-out visit asks nothing. */
export function rememberSession(address: Address | null): void {
  try {
    if (address) sessionStorage.setItem(SESSION_HINT, address);
    else sessionStorage.removeItem(SESSION_HINT);
  } catch {
    // storage unavailable: the session just is not remembered across reloads
  }
}

export function useSession() {
  const { relayer } = useApp();
  return useQuery({
    queryKey: ["session"],
    queryFn: async () => {
      let hint: string | null = null;
      try {
        hint = sessionStorage.getItem(SESSION_HINT);
      } catch {
        // ignore
      }
      if (!hint) return null;
      const me = await relayer.me();
      if (!me) rememberSession(null);
      return me;
    },
    staleTime: 60_000,
  });
}

/** The connected wallet and whether the relayer's SIWE session is that wallet's (passes are shown to it only). */
export function useSignedIn(): {
  address: Address | undefined;
  signedIn: boolean;
  session: ReturnType<typeof useSession>;
} {
  const { address } = useAccount();
  const session = useSession();
  return { address, signedIn: !!address && !!session.data && sameAddress(session.data, address), session };
}
