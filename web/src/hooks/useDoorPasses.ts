// What the passes page shows of the offline DoorPasses, given by the keeper at the app's root
// (components/DoorPassKeeper.tsx).
import { createContext, useContext } from "react";
import type { DeviceKey, OfflineStore } from "../lib/offlinePass.ts";
import type { ShownDoorPass } from "../lib/doorPassRenewal.ts";
import type { UiError } from "../lib/errors.ts";

export type DoorPasses = {
  /** The device key as kept (null until made). */
  key: DeviceKey | null;
  /** The DoorPasses held, by pass id. */
  held: ReadonlyMap<string, ShownDoorPass>;
  /** The last renewal round's failure, if any. */
  error: UiError | null;
  store: OfflineStore;
  /** After the member bound the device key: keep it, renew at once. */
  bound: (key: DeviceKey) => void;
};

export const DoorPassesContext = createContext<DoorPasses | null>(null);

/** The DoorPasses (needs a DoorPassKeeper above). */
export function useDoorPasses(): DoorPasses {
  const v = useContext(DoorPassesContext);
  if (!v) throw new Error("useDoorPasses needs a DoorPassKeeper");
  return v;
}
