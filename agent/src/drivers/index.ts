// Builds a door's driver from its configuration.
import type { DriverConfig } from "../config.ts";
import { CommandDriver } from "./command.ts";
import type { LockDriver } from "./driver.ts";
import { NukiDriver } from "./nuki.ts";
import { ShellyDriver } from "./shelly.ts";
import { SimulatorDriver } from "./simulator.ts";

export function createDriver(
  c: DriverConfig,
  door: number,
  secret: (name: "password" | "token") => string | undefined,
): LockDriver {
  switch (c.type) {
    case "simulator":
      return new SimulatorDriver({ latencyMs: c.latencyMs });
    case "shelly":
      return new ShellyDriver({
        url: c.url,
        switchId: c.switchId,
        username: c.username,
        password: secret("password"),
        contactInputId: c.contactInputId,
      });
    case "nuki": {
      const token = secret("token");
      if (!token) throw new Error(`door ${door}: the Nuki driver needs token or tokenFile`);
      return new NukiDriver({ url: c.url, nukiId: c.nukiId, deviceType: c.deviceType, action: c.action, token });
    }
    case "command":
      return new CommandDriver({ open: c.open, status: c.status, door });
  }
}
