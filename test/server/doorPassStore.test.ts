// The relayers' shared DoorPass store (server/door/doorPassStore.ts) on both backends: two relayers
// issuing at once on one store never hand out the same serial, a restart continues the sequence, and
// status-list epochs only grow.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { openDoorPassStore, type DoorPassStore } from "../../server/door/doorPassStore.ts";
import { startPostgres, type PgCluster } from "../helpers/postgres.ts";
import { tempFile } from "./fixture.ts";

for (const kind of ["sqlite", "postgres"] as const) {
  describe(`the DoorPass store on ${kind}`, () => {
    let pg: PgCluster | undefined;
    after(() => pg?.stop());

    it("allocates unique serials to two relayers issuing at once, and after a restart", async () => {
      let spec: string;
      if (kind === "postgres") {
        pg = await startPostgres();
        spec = pg.url;
      } else spec = tempFile("door-passes.sqlite");
      const a: DoorPassStore = await openDoorPassStore(spec);
      const b: DoorPassStore = await openDoorPassStore(spec);
      const issue = (s: DoorPassStore, i: number) =>
        s.issue({ venue: 3, passId: BigInt(i), member: "0xabc", validUntil: 10_000 });
      const serials = await Promise.all(Array.from({ length: 60 }, (_, i) => issue(i % 2 ? a : b, i)));
      assert.deepEqual(
        [...serials].sort((x, y) => x - y),
        Array.from({ length: 60 }, (_, i) => i),
      );
      const epochs = await Promise.all([a.nextEpoch(3), b.nextEpoch(3), a.nextEpoch(3)]);
      assert.deepEqual([...epochs].sort(), [1, 2, 3]);
      assert.deepEqual(await a.revoke(5n, 9_000), [3]);
      await a.close();
      await b.close();
      const c = await openDoorPassStore(spec);
      assert.equal(await issue(c, 99), 60, "a restart continues the sequence");
      assert.equal(await c.nextEpoch(3), 4);
      assert.deepEqual(await c.revokedSerials(3, 9_000), [serials[5]]);
      await c.close();
    });
  });
}
