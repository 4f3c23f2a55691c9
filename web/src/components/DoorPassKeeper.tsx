// Keeps the member's offline DoorPasses renewed on every page (docs/door-agent.md, "Offline doors"):
// mounted once at the app's root, it writes the renewal plan whenever the member's passes are read
// (signed in only), runs the renewal rounds (lib/doorPassRenewal.ts) on the scheduler's rhythm
// (lib/renewalScheduler.ts), asks the browser for Periodic Background Sync once the device key is
// bound (pwa/periodicSync.ts), and gives the passes page what it shows (hooks/useDoorPasses.ts). It never
// prompts the wallet: the one binding signature is kept with the device key.
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import { useApp } from "../hooks/useApp.ts";
import { useResources, useVenues } from "../hooks/queries.ts";
import { useSignedIn } from "../hooks/useSession.ts";
import { loadPassesOf } from "../lib/protocol.ts";
import type { PassInfo } from "../lib/passes.ts";
import { indexedDbStore, type DeviceKey, type OfflineStore } from "../lib/offlinePass.ts";
import {
  DEVICE_KEY,
  HELD_KEY,
  PLAN_KEY,
  nextPlan,
  renewDoorPasses,
  type RenewalPlan,
  type ShownDoorPass,
} from "../lib/doorPassRenewal.ts";
import { plannedPasses } from "../lib/offlineRefresh.ts";
import {
  browserEnv,
  createRenewalScheduler,
  RENEW_EVERY_MS,
  type RenewalEnv,
  type RenewalScheduler,
  type Timers,
} from "../lib/renewalScheduler.ts";
import { DoorPassesContext, type DoorPasses } from "../hooks/useDoorPasses.ts";
import { registerDoorPassSync } from "../pwa/periodicSync.ts";
import { toUiError, UiError } from "../lib/errors.ts";

let sharedStore: OfflineStore | null = null;
const defaultStore = () => (sharedStore ??= indexedDbStore());
const browserTimers: Timers = {
  setTimeout: (f, ms) => setTimeout(f, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

/** A pass as the app read it, with what the DoorPass plan needs of its resource and venue. */
export type KeptPass = PassInfo & { graceSeconds: number; label: string; timeZone: string };

/** The keeper at the app's root: the signed-in member and their passes, read every few minutes. */
export function AppDoorPassKeeper({ children }: { children: ReactNode }) {
  const { protocol } = useApp();
  const { address, signedIn } = useSignedIn();
  // The passes page's query (same key), read here every few minutes on any page.
  const passes = useQuery({
    queryKey: ["chain", "passes", address],
    queryFn: () => loadPassesOf(protocol, address!),
    enabled: address !== undefined && signedIn,
    refetchInterval: RENEW_EVERY_MS,
  });
  const resources = useResources();
  const venues = useVenues();
  const kept = useMemo<KeptPass[] | undefined>(() => {
    if (!passes.data || !resources.data || !venues.data) return undefined;
    return passes.data.map((p) => {
      const r = resources.data.find((x) => x.id === p.resourceId);
      const v = venues.data.find((x) => x.id === r?.venueId);
      return {
        ...p,
        graceSeconds: r?.graceSeconds ?? 0,
        label: [r?.name ?? `#${p.resourceId}`, v?.name ?? ""].filter(Boolean).join(" — "),
        timeZone: v?.timeZone ?? "UTC",
      };
    });
  }, [passes.data, resources.data, venues.data]);
  return (
    <DoorPassKeeper member={signedIn ? address : undefined} passes={signedIn ? kept : undefined}>
      {children}
    </DoorPassKeeper>
  );
}

export function DoorPassKeeper({
  children,
  member: signedInMember,
  passes,
  store: injected,
  env,
  timers = browserTimers,
  clock = Date.now,
  registerSync = registerDoorPassSync,
}: {
  children: ReactNode;
  /** The signed-in member (SIWE session of the connected wallet); undefined: nothing is renewed. */
  member: Address | undefined;
  /** The member's passes as last read online; undefined while unknown (the plan is kept as it is). */
  passes: readonly KeptPass[] | undefined;
  store?: OfflineStore;
  env?: RenewalEnv;
  timers?: Timers;
  /** Milliseconds. */
  clock?: () => number;
  registerSync?: () => Promise<unknown>;
}) {
  const { protocol, relayer } = useApp();
  const store = injected ?? defaultStore();
  const [key, setKey] = useState<DeviceKey | null>(null);
  const [held, setHeld] = useState<ReadonlyMap<string, ShownDoorPass>>(new Map());
  const [error, setError] = useState<UiError | null>(null);
  const member = useRef(signedInMember);
  const scheduler = useRef<RenewalScheduler | null>(null);

  useEffect(() => {
    member.current = signedInMember;
  }, [signedInMember]);

  // One scheduler per store and relayer; each round ends by showing what the store holds.
  useEffect(() => {
    let live = true;
    const show = () =>
      Promise.all([store.get<DeviceKey>(DEVICE_KEY), store.get<Record<string, ShownDoorPass>>(HELD_KEY)]).then(
        ([k, h]) => {
          if (!live) return;
          setKey(k ?? null);
          setHeld(new Map(Object.entries(h ?? {})));
        },
      );
    const s = createRenewalScheduler({
      env: env ?? browserEnv(),
      timers,
      clock,
      round: async () => {
        if (!member.current) return { busy: false }; // signed out: nothing is asked
        const out = await renewDoorPasses({ store, relayer, now: () => Math.floor(clock() / 1000) });
        await show();
        // A space with no door has nothing to open offline: not a failure worth showing.
        const failed = out.failed.find((f) => f.code !== "pass_without_door");
        if (live)
          setError(failed ? new UiError("offline.refreshFailed", { message: toUiError(failed.error).message }) : null);
        return { busy: out.stopped === "busy" };
      },
    });
    scheduler.current = s;
    void show();
    s.start();
    return () => {
      live = false;
      s.stop();
      scheduler.current = null;
    };
  }, [store, relayer, env, timers, clock]);

  // Signed in and the passes read: write the plan (for this page and the service worker), renew.
  useEffect(() => {
    if (!signedInMember || !passes) return;
    let live = true;
    const planned = plannedPasses(passes, signedInMember, Math.floor(clock() / 1000), (p) => p as KeptPass);
    void (async () => {
      const previous = await store.get<RenewalPlan>(PLAN_KEY);
      await store.put(PLAN_KEY, nextPlan(previous, signedInMember, protocol.config.relayerUrl ?? "", planned));
      if (live) scheduler.current?.trigger();
    })();
    return () => {
      live = false;
    };
  }, [signedInMember, passes, store, protocol, clock]);

  const isBound = !!key?.binding;
  useEffect(() => {
    if (isBound && signedInMember) void registerSync();
  }, [isBound, signedInMember, registerSync]);

  const value = useMemo<DoorPasses>(
    () => ({
      key,
      held,
      error,
      store,
      bound: (k) => {
        setKey(k);
        scheduler.current?.trigger();
      },
    }),
    [key, held, error, store],
  );
  return <DoorPassesContext.Provider value={value}>{children}</DoorPassesContext.Provider>;
}
