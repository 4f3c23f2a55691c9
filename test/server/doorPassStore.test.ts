// The relayers' shared DoorPass store (server/door/doorPassStore.ts) on both backends: two relayers
// issuing at once on one store never hand out the same serial, a restart continues the sequence, and
// status-list epochs only grow.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { openDoorPassStore, type SharedDoorPassStore } from "../../server/door/doorPassStore.ts";
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
      const a: SharedDoorPassStore = await openDoorPassStore(spec);
      const b: SharedDoorPassStore = await openDoorPassStore(spec);
      const issue = (s: SharedDoorPassStore, i: number) =>
        s.issue({ venue: 3, passId: BigInt(i), member: "0xabc", validUntil: 10_000 });
      const serials = await Promise.all(Array.from({ length: 60 }, (_, i) => issue(i % 2 ? a : b, i)));
      assert.deepEqual(
        [...serials].sort((x, y) => x - y),
        Array.from({ length: 60 }, (_, i) => i),
      );
      const epochs = (await Promise.all([a.nextList(3, 0), b.nextList(3, 0), a.nextList(3, 0)])).map((l) => l.epoch);
      assert.deepEqual([...epochs].sort(), [1, 2, 3]);
      assert.deepEqual(await a.revoke(5n, 9_000), [3]);
      await a.close();
      await b.close();
      const c = await openDoorPassStore(spec);
      assert.equal(await issue(c, 99), 60, "a restart continues the sequence");
      const list = await c.nextList(3, 9_000);
      assert.equal(list.epoch, 4);
      assert.deepEqual(list.revoked, [serials[5]]);
      await c.close();
    });

    it("reads a status list's epoch and revoked serials together: a higher epoch never lists fewer", async () => {
      const spec = kind === "postgres" ? pg!.url : tempFile("door-passes.sqlite");
      const [a, b] = [await openDoorPassStore(spec), await openDoorPassStore(spec)];
      const base = await a.epoch(8);
      for (let i = 0; i < 20; i++)
        await a.issue({ venue: 8, passId: 800n + BigInt(i), member: "0xabc", validUntil: 10_000 });
      // Revocations and lists from two relayers at once: ordered by epoch, each list holds the one before.
      const lists = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          await (i % 2 ? a : b).revoke(800n + BigInt(i), 9_000);
          return (i % 3 ? a : b).nextList(8, 9_000);
        }),
      );
      lists.sort((x, y) => x.epoch - y.epoch);
      assert.deepEqual(
        lists.map((l) => l.epoch),
        Array.from({ length: 20 }, (_, i) => base + i + 1),
      );
      for (let i = 1; i < lists.length; i++)
        assert.ok(
          lists[i - 1].revoked.every((s) => lists[i].revoked.includes(s)),
          `epoch ${lists[i].epoch} holds the one before`,
        );
      assert.equal(lists.at(-1)!.revoked.length, 20);
      assert.equal(await b.epoch(8), base + 20);
      assert.equal(await b.epoch(99), 0, "a venue without a list");
      assert.ok((await b.venues()).includes(8));
      await a.close();
      await b.close();
    });
  });
}
