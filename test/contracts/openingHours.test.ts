// Opening hours: weekly hours in the venue's local time with a daylight-time rule, dated exceptions,
// enforced on chain for the resources that follow them; checked across the 2027 changes in
// America/Toronto and against the platform's IANA database (Intl) for whole periods.
import { expect } from "chai";
import { network } from "hardhat";
import { tzOffset } from "../../protocol/timeZone.ts";

// Its own chain, starting on Monday 1 March 2027 (00:00 UTC) whatever the wall clock says, so that
// both 2027 changes are ahead of the chain clock and within the booking horizon.
const connection = await network.create({ override: { initialDate: new Date("2027-03-01T00:00:00Z") } });
const { ethers, networkHelpers } = connection;
const loadFixture = networkHelpers.loadFixture.bind(networkHelpers);

const HOUR = 3600;
const ANY_UNIT = 65535;
const PRICE = ethers.parseEther("0.01");

/** UTC seconds of a calendar date and UTC hour (month 1-based). */
const utc = (y: number, m: number, d: number, h = 0) => BigInt(Date.UTC(y, m - 1, d, h) / 1000);

const NO_DST = { month: 0, week: 0, weekday: 0, hour: 0 };
/** America/Toronto (and Montréal): EST/EDT, second Sunday of March to first Sunday of November, 2:00. */
const TORONTO = {
  standardOffset: -300,
  daylightOffset: -240,
  dstStart: { month: 3, week: 2, weekday: 0, hour: 2 },
  dstEnd: { month: 11, week: 1, weekday: 0, hour: 2 },
};
/** America/St_Johns: a half-hour zone, same rule. */
const ST_JOHNS = { ...TORONTO, standardOffset: -210, daylightOffset: -150 };
/** Europe/Paris: last Sunday of March 2:00 to last Sunday of October 3:00. */
const PARIS = {
  standardOffset: 60,
  daylightOffset: 120,
  dstStart: { month: 3, week: 5, weekday: 0, hour: 2 },
  dstEnd: { month: 10, week: 5, weekday: 0, hour: 3 },
};
/** Australia/Sydney: daylight time from the first Sunday of October to the first Sunday of April. */
const SYDNEY = {
  standardOffset: 600,
  daylightOffset: 660,
  dstStart: { month: 10, week: 1, weekday: 0, hour: 2 },
  dstEnd: { month: 4, week: 1, weekday: 0, hour: 3 },
};

/** Monday to Friday 8:00–18:00, Saturday 10:00–14:00, closed on Sunday. */
const WEEK = [...[0, 1, 2, 3, 4].map((day) => ({ day, opens: 8, closes: 18 })), { day: 5, opens: 10, closes: 14 }];

/** The same schedule restated: whether local weekday `day` (0 Monday) is open at local `hour`. */
const openLocally = (day: number, hour: number) =>
  day < 5 ? hour >= 8 && hour < 18 : day === 5 && hour >= 10 && hour < 14;

/** The local hours (hours since 1970-01-01 local) that the UTC hour starting at `t` covers, by the
 * platform's IANA database: every local hour of each of its quarter hours (offsets and their changes
 * fall on quarter hours), so a :30 zone gives two, and the hour of a daylight-time change those on both
 * sides of the jump. */
function localHoursOf(t: number, timeZone: string): number[] {
  const hours = new Set<number>();
  for (let q = t; q < t + HOUR; q += 900) hours.add(Math.floor((q + tzOffset(q, timeZone)) / HOUR));
  return [...hours];
}

/** What the platform's IANA database says about the hour starting at UTC `t`: open iff every local
 * hour it overlaps is open in `schedule` ({WEEK} by default). */
function expectedOpen(t: number, timeZone: string, schedule = openLocally): boolean {
  return localHoursOf(t, timeZone).every((h) => {
    const d = new Date(h * HOUR * 1000);
    return schedule((d.getUTCDay() + 6) % 7, d.getUTCHours());
  });
}

function roomParams(followsOpeningHours: boolean, name: string) {
  return {
    name,
    metadataURI: "ipfs://x",
    kind: 2,
    units: 1,
    currency: ethers.ZeroAddress,
    pricePerHour: PRICE,
    pricePerDay: PRICE * 10n,
    pricePerMonth: PRICE * 100n,
    minHours: 1,
    maxHours: 8784,
    horizonHours: 24 * 700,
    graceSeconds: 0,
    policyId: 0,
    transferable: true,
    followsOpeningHours,
  };
}

/**
 * Venue 1 in Toronto (hours {WEEK}) with resource 1 following its hours and resource 2 (a 24/7
 * desk) not; venue 2 set no hours, its resource 3 follows them.
 */
async function deployFixture() {
  const [deployer, admin, operator, member, stranger] = await ethers.getSigners();
  const renderer = await ethers.deployContract("PassRenderer");
  const module = await ethers.deployContract("OpeningHours");
  const registry = await ethers.deployContract("VenueRegistry", [await module.getAddress()]);
  const forwarder = await ethers.deployContract("PassepartoutForwarder");
  const core = await ethers.deployContract("Passepartout", [
    admin.address,
    admin.address,
    300,
    await renderer.getAddress(),
    await registry.getAddress(),
    await forwarder.getAddress(),
  ]);
  const pp = await ethers.getContractAt("IPassepartout", await core.getAddress());
  await pp.connect(operator).createVenue("Le Lab", "ipfs://le-lab", [operator.address], [10_000]);
  await pp.connect(operator).createResource(1, roomParams(true, "Salle"));
  await pp.connect(operator).createResource(1, roomParams(false, "Bureau 24/7"));
  await pp.connect(operator).createVenue("Sans horaire", "ipfs://none", [operator.address], [10_000]);
  await pp.connect(operator).createResource(2, roomParams(true, "Salle"));
  await pp.connect(operator).setOpeningHours(1, WEEK, TORONTO);
  return { pp, core, module, registry, deployer, admin, operator, member, stranger };
}
type Fixture = Awaited<ReturnType<typeof deployFixture>>;

/** Books `[start, start + hours)` of a resource for the member at its price. */
async function book(f: Fixture, resourceId: number, start: bigint, hours = 1) {
  const end = start + BigInt(hours * HOUR);
  const price = await f.pp.quote(resourceId, start, end);
  return f.pp.connect(f.member).book(resourceId, start, end, ANY_UNIT, price, f.member.address, 0, true, {
    value: price,
  });
}

/** Bits of `openHours` as booleans, asked four weeks at a time (as a calendar would, and within an
 * eth_call's gas). */
async function openHours(f: Fixture, resourceId: number, start: bigint, count: number): Promise<boolean[]> {
  const open: boolean[] = [];
  for (let from = 0; from < count; from += 672) {
    const n = Math.min(672, count - from);
    const words = await f.pp.openHours(resourceId, start + BigInt(from * HOUR), n);
    for (let i = 0; i < n; i++) open.push(((words[i >> 8] >> BigInt(i & 255)) & 1n) === 1n);
  }
  return open;
}

/** A venue's hours and zone as plain values, to compare before and after a refused change. */
async function hoursOf(f: Fixture, venueId: number) {
  const [mask, z] = await f.pp.openingHours(venueId);
  const t = (x: { month: bigint; week: bigint; weekday: bigint; hour: bigint }) => [x.month, x.week, x.weekday, x.hour];
  return [mask, z.standardOffset, z.daylightOffset, t(z.dstStart), t(z.dstEnd)];
}

/** The pass id and pre-tax amount of the booking a transaction made. */
async function booked(f: Fixture, tx: Promise<{ wait: () => Promise<unknown> }>) {
  const receipt = (await (await tx).wait()) as { logs: readonly { topics: string[]; data: string }[] };
  for (const log of receipt.logs) {
    const parsed = f.pp.interface.parseLog(log);
    if (parsed?.name === "Booked")
      return { passId: parsed.args.passId as bigint, amount: parsed.args.amount as bigint };
  }
  throw new Error("no Booked event");
}

describe("Opening hours", function () {
  describe("when a venue is open 8:00–18:00 local in America/Toronto", function () {
    it("accepts 8:00 and refuses 7:00 local on the Monday before 14 March 2027 (EST, UTC−5)", async function () {
      const f = await loadFixture(deployFixture);
      await expect(book(f, 1, utc(2027, 3, 8, 13))).to.emit(f.pp, "Booked"); // 8:00 EST
      await expect(book(f, 1, utc(2027, 3, 8, 12)))
        .to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours")
        .withArgs(1, utc(2027, 3, 8, 12)); // 7:00 EST
    });

    it("accepts 8:00 and refuses 7:00 local on the Monday after 14 March 2027, an hour earlier in UTC", async function () {
      const f = await loadFixture(deployFixture);
      await expect(book(f, 1, utc(2027, 3, 15, 12))).to.emit(f.pp, "Booked"); // 8:00 EDT = 12:00 UTC
      await expect(book(f, 1, utc(2027, 3, 15, 11)))
        .to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours")
        .withArgs(1, utc(2027, 3, 15, 11)); // 7:00 EDT
      // The last open hour moved too: 17:00 EDT is 21:00 UTC, 18:00 EDT (22:00 UTC) is closed.
      await expect(book(f, 1, utc(2027, 3, 15, 21))).to.emit(f.pp, "Booked");
      await expect(book(f, 1, utc(2027, 3, 15, 22)))
        .to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours")
        .withArgs(1, utc(2027, 3, 15, 22));
    });

    it("accepts 8:00 and refuses 7:00 local on the Monday after 7 November 2027, back an hour later in UTC", async function () {
      const f = await loadFixture(deployFixture);
      await expect(book(f, 1, utc(2027, 11, 8, 13))).to.emit(f.pp, "Booked"); // 8:00 EST = 13:00 UTC
      await expect(book(f, 1, utc(2027, 11, 8, 12)))
        .to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours")
        .withArgs(1, utc(2027, 11, 8, 12)); // 7:00 EST, which was 8:00 EDT the Monday before
      await expect(book(f, 1, utc(2027, 11, 1, 12))).to.emit(f.pp, "Booked"); // 8:00 EDT on 1 November
    });

    it("counts the hour skipped on 14 March and the hour repeated on 7 November in a night-time window", async function () {
      const f = await loadFixture(deployFixture);
      await f.pp.connect(f.operator).setOpeningHours(1, [{ day: 6, opens: 0, closes: 4 }], TORONTO);
      // Sunday 14 March: 0:00 EST is 05:00 UTC; 2:00 EST jumps to 3:00 EDT at 07:00 UTC; 4:00 EDT is 08:00 UTC.
      await expect(book(f, 1, utc(2027, 3, 14, 5), 3)).to.emit(f.pp, "Booked");
      await f.pp.connect(f.operator).setOpeningHours(1, [{ day: 6, opens: 0, closes: 5 }], TORONTO);
      await expect(book(f, 1, utc(2027, 3, 21, 4), 5)).to.emit(f.pp, "Booked"); // a normal Sunday: 5 hours
      await f.pp.connect(f.operator).setOpeningHours(1, [{ day: 6, opens: 0, closes: 4 }], TORONTO);
      // Sunday 7 November: 0:00 EDT is 04:00 UTC; 2:00 EDT falls back to 1:00 EST at 06:00 UTC; 4:00 EST is 09:00 UTC.
      await expect(book(f, 1, utc(2027, 11, 7, 4), 6))
        .to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours")
        .withArgs(1, utc(2027, 11, 7, 9));
      await expect(book(f, 1, utc(2027, 11, 7, 4), 5)).to.emit(f.pp, "Booked");
    });

    it("names the first closed hour of a window that runs past closing time", async function () {
      const f = await loadFixture(deployFixture);
      // 16:00–20:00 EDT on Tuesday 16 March: 18:00 EDT (22:00 UTC) is the first closed hour.
      await expect(book(f, 1, utc(2027, 3, 16, 20), 4))
        .to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours")
        .withArgs(1, utc(2027, 3, 16, 22));
      await expect(book(f, 1, utc(2027, 3, 16, 12), 10)).to.emit(f.pp, "Booked"); // the whole day, 8–18
    });

    it("refuses Sunday and the night, and a whole week, for the resource that follows the hours", async function () {
      const f = await loadFixture(deployFixture);
      await expect(book(f, 1, utc(2027, 3, 21, 15))).to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours");
      await expect(book(f, 1, utc(2027, 3, 17, 7))).to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours");
      // A week from a closed hour (Sunday 23:00 EDT): refused, as a week pass starts at an open hour.
      await expect(book(f, 1, utc(2027, 3, 22, 3), 168))
        .to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours")
        .withArgs(1, utc(2027, 3, 22, 3));
    });

    it("lets the 24/7 resource that does not follow the hours be booked on Sunday at 3:00 and for a month", async function () {
      const f = await loadFixture(deployFixture);
      await expect(book(f, 2, utc(2027, 3, 21, 7))).to.emit(f.pp, "Booked"); // Sunday 3:00 EDT
      await expect(book(f, 2, utc(2027, 4, 1), 720)).to.emit(f.pp, "Booked");
      expect((await f.pp.resource(2)).followsOpeningHours).to.equal(false);
      expect((await f.pp.resource(1)).followsOpeningHours).to.equal(true);
    });

    it("lets the operator switch a resource to follow the hours, for future bookings", async function () {
      const f = await loadFixture(deployFixture);
      await f.pp.connect(f.operator).updateResource(2, roomParams(true, "Bureau"));
      await expect(book(f, 2, utc(2027, 3, 21, 7)))
        .to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours")
        .withArgs(2, utc(2027, 3, 21, 7));
    });

    it("refuses every booking of a following resource whose venue set no hours (fails closed)", async function () {
      const f = await loadFixture(deployFixture);
      await expect(book(f, 3, utc(2027, 3, 15, 13))).to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours");
    });

    it("reports the same open hours as the IANA database from March to December 2027", async function () {
      const f = await loadFixture(deployFixture);
      const start = utc(2027, 3, 1);
      const count = 306 * 24; // to 1 January 2028
      const open = await openHours(f, 1, start, count);
      const expected = open.map((_, i) => expectedOpen(Number(start) + i * HOUR, "America/Toronto"));
      expect(open).to.deep.equal(expected);
      expect(open.filter(Boolean).length).to.equal(expected.filter(Boolean).length);
      expect((await openHours(f, 2, start, 24)).every(Boolean)).to.equal(true);
    });
  });

  describe("when the venue is in another kind of zone", function () {
    for (const [name, zone, timeZone] of [
      ["a half-hour zone (St. John's)", ST_JOHNS, "America/St_Johns"],
      ["Europe (Paris, last-Sunday rules)", PARIS, "Europe/Paris"],
      ["the southern hemisphere (Sydney)", SYDNEY, "Australia/Sydney"],
    ] as const) {
      it(`matches the IANA database over 2027 in ${name}`, async function () {
        const f = await loadFixture(deployFixture);
        await f.pp.connect(f.operator).setOpeningHours(1, WEEK, zone);
        const start = utc(2027, 3, 8);
        const count = 300 * 24;
        const open = await openHours(f, 1, start, count);
        expect(open).to.deep.equal(open.map((_, i) => expectedOpen(Number(start) + i * HOUR, timeZone)));
      });
    }

    it("takes only hours wholly open in a half-hour zone: 8:30 local, not 7:30 nor 17:30", async function () {
      const f = await loadFixture(deployFixture);
      await f.pp.connect(f.operator).setOpeningHours(1, WEEK, ST_JOHNS);
      // Monday 15 March 2027, NDT (UTC−2:30): 11:00 UTC is 8:30 local.
      await expect(book(f, 1, utc(2027, 3, 15, 11))).to.emit(f.pp, "Booked");
      await expect(book(f, 1, utc(2027, 3, 15, 10))).to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours");
      await expect(book(f, 1, utc(2027, 3, 15, 20))).to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours");
    });

    it("keeps one offset all year in a zone without daylight time", async function () {
      const f = await loadFixture(deployFixture);
      await f.pp.connect(f.operator).setOpeningHours(1, WEEK, {
        standardOffset: -300,
        daylightOffset: -300,
        dstStart: NO_DST,
        dstEnd: NO_DST,
      });
      await expect(book(f, 1, utc(2027, 3, 15, 13))).to.emit(f.pp, "Booked");
      await expect(book(f, 1, utc(2027, 3, 15, 12))).to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours");
    });
  });

  describe("when dates have exceptions", function () {
    it("closes a holiday, and reopens it when the exception is cleared", async function () {
      const f = await loadFixture(deployFixture);
      // Monday 24 May 2027, Journée nationale des patriotes.
      await expect(f.pp.connect(f.operator).setOpeningExceptions(1, [{ date: 20270524, opens: 0, closes: 0 }]))
        .to.emit(f.pp, "OpeningExceptionsSet")
        .withArgs(1, [[20270524, 0, 0]]);
      expect(await f.pp.openingException(1, 20270524)).to.deep.equal([true, 0n]);
      await expect(book(f, 1, utc(2027, 5, 24, 14)))
        .to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours")
        .withArgs(1, utc(2027, 5, 24, 14));
      await expect(book(f, 1, utc(2027, 5, 25, 14))).to.emit(f.pp, "Booked"); // the Tuesday is normal
      await expect(f.pp.connect(f.operator).clearOpeningExceptions(1, [20270524]))
        .to.emit(f.pp, "OpeningExceptionsCleared")
        .withArgs(1, [20270524]);
      expect(await f.pp.openingException(1, 20270524)).to.deep.equal([false, 0n]);
      await expect(book(f, 1, utc(2027, 5, 24, 14))).to.emit(f.pp, "Booked");
    });

    it("gives a date its own hours (24 December 10:00–12:00 and 13:00–15:00) and opens a Sunday", async function () {
      const f = await loadFixture(deployFixture);
      await f.pp.connect(f.operator).setOpeningExceptions(1, [
        { date: 20271219, opens: 12, closes: 16 }, // Sunday
        { date: 20271224, opens: 10, closes: 12 },
        { date: 20271224, opens: 13, closes: 15 },
      ]);
      // EST: local = UTC − 5.
      await expect(book(f, 1, utc(2027, 12, 19, 17), 4)).to.emit(f.pp, "Booked");
      await expect(book(f, 1, utc(2027, 12, 24, 15), 2)).to.emit(f.pp, "Booked");
      await expect(book(f, 1, utc(2027, 12, 24, 17))).to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours");
      await expect(book(f, 1, utc(2027, 12, 24, 14))).to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours");
      await expect(book(f, 1, utc(2027, 12, 24, 18), 2)).to.emit(f.pp, "Booked");
      expect(await f.pp.openingException(1, 20271224)).to.deep.equal([true, 0b110110000000000n]);
    });

    it("replaces a date's hours when the date is given again", async function () {
      const f = await loadFixture(deployFixture);
      await f.pp.connect(f.operator).setOpeningExceptions(1, [{ date: 20271224, opens: 10, closes: 12 }]);
      await f.pp.connect(f.operator).setOpeningExceptions(1, [{ date: 20271224, opens: 11, closes: 14 }]);
      expect(await f.pp.openingException(1, 20271224)).to.deep.equal([true, 0b11100000000000n]);
    });
  });

  describe("when the UTC hour of a daylight-time change straddles two local hours (St. John's, :30)", function () {
    // Sunday 14 March 2027: 2:00 NST (UTC−3:30) jumps to 3:00 NDT at 05:30 UTC, so the UTC hour
    // 05:00–06:00 is 1:30–2:00 NST then 3:00–3:30 NDT: local hours 1 and 3, never 2.
    // Sunday 7 November 2027: 2:00 NDT falls back to 1:00 NST at 04:30 UTC, so 04:00–05:00 is
    // 1:30–2:00 NDT then 1:00–1:30 NST: local hour 1 twice, never 2.
    const sundayWithout = (hour: number) => [
      { day: 6, opens: 0, closes: hour },
      { day: 6, opens: hour + 1, closes: 24 },
    ];

    it("refuses the hour of the spring change when the local hour after the jump (3:00) is closed", async function () {
      const f = await loadFixture(deployFixture);
      await f.pp.connect(f.operator).setOpeningHours(1, sundayWithout(3), ST_JOHNS);
      await expect(book(f, 1, utc(2027, 3, 14, 5)))
        .to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours")
        .withArgs(1, utc(2027, 3, 14, 5));
      await expect(book(f, 1, utc(2027, 3, 14, 4))).to.emit(f.pp, "Booked"); // 0:30–1:30 NST
    });

    it("accepts the hour of each change when only the local hour the change skips or does not reach (2:00) is closed", async function () {
      const f = await loadFixture(deployFixture);
      await f.pp.connect(f.operator).setOpeningHours(1, sundayWithout(2), ST_JOHNS);
      await expect(book(f, 1, utc(2027, 3, 14, 5))).to.emit(f.pp, "Booked"); // 1:30 NST – 3:30 NDT
      await expect(book(f, 1, utc(2027, 11, 7, 4))).to.emit(f.pp, "Booked"); // 1:30 NDT – 1:30 NST
      await expect(book(f, 1, utc(2027, 11, 7, 5))) // 1:30–2:30 NST
        .to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours")
        .withArgs(1, utc(2027, 11, 7, 5));
    });

    it("matches the IANA database hour by hour around both 2027 changes with Sunday hours at night", async function () {
      const f = await loadFixture(deployFixture);
      for (const closedHour of [1, 2, 3]) {
        await f.pp.connect(f.operator).setOpeningHours(1, sundayWithout(closedHour), ST_JOHNS);
        const schedule = (day: number, hour: number) => day === 6 && hour !== closedHour;
        for (const start of [utc(2027, 3, 13, 12), utc(2027, 11, 6, 12)]) {
          const open = await openHours(f, 1, start, 48);
          const expected = open.map((_, i) => expectedOpen(Number(start) + i * HOUR, "America/St_Johns", schedule));
          expect(open, `closed ${closedHour}:00, from ${start}`).to.deep.equal(expected);
        }
      }
    });
  });

  describe("when a resource following the hours is booked by the day or the 30 days", function () {
    it("sells a day pass from an open hour at the day price, across the closed night", async function () {
      const f = await loadFixture(deployFixture);
      // Monday 15 March 2027 8:00 EDT to Tuesday 8:00 EDT: Monday's open hours, the night closed.
      const { amount } = await booked(f, book(f, 1, utc(2027, 3, 15, 12), 24));
      expect(amount).to.equal(PRICE * 10n);
      expect(await f.pp.quote(1, utc(2027, 3, 15, 12), utc(2027, 3, 16, 12))).to.equal(PRICE * 10n);
    });

    it("sells a 30-day pass from an open hour at the month price, Sundays and nights included", async function () {
      const f = await loadFixture(deployFixture);
      const { amount } = await booked(f, book(f, 1, utc(2027, 4, 5, 12), 720)); // Monday 5 April, 8:00 EDT
      expect(amount).to.equal(PRICE * 100n);
      // Its slots are taken, closed ones included: another day pass inside it finds the unit busy.
      await expect(book(f, 1, utc(2027, 4, 12, 12), 24)).to.be.revertedWithCustomError(f.pp, "BookingNoFreeUnit");
    });

    it("refuses a day pass starting at a closed hour, and a shorter window running into the night", async function () {
      const f = await loadFixture(deployFixture);
      await expect(book(f, 1, utc(2027, 3, 15, 11), 24)) // 7:00 EDT
        .to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours")
        .withArgs(1, utc(2027, 3, 15, 11));
      await expect(book(f, 1, utc(2027, 3, 15, 12), 23)) // 23 hours: billed by the hour, must be open
        .to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours")
        .withArgs(1, utc(2027, 3, 15, 22));
      await expect(book(f, 1, utc(2027, 3, 21, 14), 24)) // Sunday, closed all day
        .to.be.revertedWithCustomError(f.pp, "BookingOutsideOpeningHours")
        .withArgs(1, utc(2027, 3, 21, 14));
    });
  });

  describe("when the operator closes a date that holds bookings", function () {
    const close = (f: Fixture, date: number, opens = 0, closes = 0) =>
      f.pp.connect(f.operator).setOpeningExceptions(1, [{ date, opens, closes }]);

    it("refuses to close Monday 24 May 2027 over a paid booking, then closes it once the booking is cancelled", async function () {
      const f = await loadFixture(deployFixture);
      const { passId } = await booked(f, book(f, 1, utc(2027, 5, 24, 14), 2)); // 10:00–12:00 EDT
      await expect(close(f, 20270524))
        .to.be.revertedWithCustomError(f.pp, "OpeningClosureHasBookings")
        .withArgs(1, 0, utc(2027, 5, 24, 14));
      expect(await f.pp.openingException(1, 20270524)).to.deep.equal([false, 0n]);
      await expect(f.pp.connect(f.operator).cancel(passId)).to.changeEtherBalance(ethers, f.member, PRICE * 2n);
      await expect(close(f, 20270524)).to.emit(f.pp, "OpeningExceptionsSet");
    });

    it("refuses shorter hours that leave a booking outside them, and accepts those that keep it inside", async function () {
      const f = await loadFixture(deployFixture);
      await book(f, 1, utc(2027, 5, 25, 19)); // Tuesday 15:00 EDT
      await expect(close(f, 20270525, 10, 14))
        .to.be.revertedWithCustomError(f.pp, "OpeningClosureHasBookings")
        .withArgs(1, 0, utc(2027, 5, 25, 19));
      await expect(close(f, 20270525, 12, 18)).to.emit(f.pp, "OpeningExceptionsSet");
    });

    it("ignores the 24/7 resource's bookings, and a day pass's closed night on the next date", async function () {
      const f = await loadFixture(deployFixture);
      await book(f, 2, utc(2027, 5, 26, 14)); // resource 2 does not follow the hours
      await book(f, 1, utc(2027, 5, 25, 12), 24); // Tuesday 8:00 → Wednesday 8:00 EDT
      await expect(close(f, 20270526)).to.emit(f.pp, "OpeningExceptionsSet");
      await expect(close(f, 20270525))
        .to.be.revertedWithCustomError(f.pp, "OpeningClosureHasBookings")
        .withArgs(1, 0, utc(2027, 5, 25, 12));
    });

    it("refuses to clear an exception that opened a Sunday now booked", async function () {
      const f = await loadFixture(deployFixture);
      await close(f, 20270530, 12, 16); // Sunday 30 May opens 12:00–16:00
      await book(f, 1, utc(2027, 5, 30, 17)); // 13:00 EDT
      await expect(f.pp.connect(f.operator).clearOpeningExceptions(1, [20270530]))
        .to.be.revertedWithCustomError(f.pp, "OpeningClosureHasBookings")
        .withArgs(1, 0, utc(2027, 5, 30, 17));
      expect(await f.pp.openingException(1, 20270530)).to.deep.equal([true, 0b1111n << 12n]);
    });

    it("does not count hours already over", async function () {
      const f = await loadFixture(deployFixture);
      await book(f, 1, utc(2027, 3, 1, 13)); // Monday 1 March, 8:00 EST, the chain's first day
      await networkHelpers.time.increaseTo(utc(2027, 3, 1, 14));
      await expect(close(f, 20270301)).to.emit(f.pp, "OpeningExceptionsSet");
    });
  });

  describe("when the input is bad", function () {
    const set = (f: Fixture, weekly: { day: number; opens: number; closes: number }[], zone = TORONTO) =>
      f.pp.connect(f.operator).setOpeningHours(1, weekly, zone);

    it("refuses inverted and empty intervals, and changes nothing", async function () {
      const f = await loadFixture(deployFixture);
      const before = await hoursOf(f, 1);
      await expect(set(f, [{ day: 0, opens: 18, closes: 8 }]))
        .to.be.revertedWithCustomError(f.pp, "OpeningHoursInverted")
        .withArgs(0, 18, 8);
      await expect(set(f, [{ day: 2, opens: 9, closes: 9 }]))
        .to.be.revertedWithCustomError(f.pp, "OpeningHoursInverted")
        .withArgs(2, 9, 9);
      expect(await hoursOf(f, 1)).to.deep.equal(before);
    });

    it("refuses overlapping intervals of a day but takes adjacent ones", async function () {
      const f = await loadFixture(deployFixture);
      const before = await hoursOf(f, 1);
      await expect(
        set(f, [
          { day: 0, opens: 8, closes: 12 },
          { day: 0, opens: 11, closes: 14 },
        ]),
      )
        .to.be.revertedWithCustomError(f.pp, "OpeningHoursOverlap")
        .withArgs(0, 11, 14);
      expect(await hoursOf(f, 1)).to.deep.equal(before);
      await set(f, [
        { day: 0, opens: 8, closes: 12 },
        { day: 0, opens: 12, closes: 14 },
        { day: 1, opens: 11, closes: 14 },
      ]);
      expect((await hoursOf(f, 1))[0]).to.equal(0b11111100000000n | (0b111n << 35n));
    });

    it("refuses days past Sunday and hours past 24:00", async function () {
      const f = await loadFixture(deployFixture);
      await expect(set(f, [{ day: 7, opens: 8, closes: 18 }]))
        .to.be.revertedWithCustomError(f.pp, "OpeningHoursOutOfDay")
        .withArgs(7, 8, 18);
      await expect(set(f, [{ day: 6, opens: 20, closes: 25 }]))
        .to.be.revertedWithCustomError(f.pp, "OpeningHoursOutOfDay")
        .withArgs(6, 20, 25);
    });

    it("refuses offsets off the quarter hour or out of range, and bad daylight rules", async function () {
      const f = await loadFixture(deployFixture);
      const before = await hoursOf(f, 1);
      await expect(set(f, WEEK, { ...TORONTO, standardOffset: -307 }))
        .to.be.revertedWithCustomError(f.pp, "TimeZoneOffsetInvalid")
        .withArgs(-307);
      await expect(set(f, WEEK, { ...TORONTO, daylightOffset: 900 }))
        .to.be.revertedWithCustomError(f.pp, "TimeZoneOffsetInvalid")
        .withArgs(900);
      const bad = { month: 13, week: 2, weekday: 0, hour: 2 };
      await expect(set(f, WEEK, { ...TORONTO, dstEnd: bad }))
        .to.be.revertedWithCustomError(f.pp, "TimeZoneTransitionInvalid")
        .withArgs([13, 2, 0, 2]);
      await expect(
        set(f, WEEK, { ...TORONTO, dstStart: { ...TORONTO.dstStart, week: 6 } }),
      ).to.be.revertedWithCustomError(f.pp, "TimeZoneTransitionInvalid");
      // A start without an end, and an end without a start.
      await expect(set(f, WEEK, { ...TORONTO, dstEnd: NO_DST })).to.be.revertedWithCustomError(
        f.pp,
        "TimeZoneTransitionInvalid",
      );
      await expect(set(f, WEEK, { ...TORONTO, dstStart: NO_DST }))
        .to.be.revertedWithCustomError(f.pp, "TimeZoneTransitionInvalid")
        .withArgs([11, 1, 0, 2]);
      expect(await hoursOf(f, 1)).to.deep.equal(before);
    });

    it("lets only the venue's operator change its hours and exceptions", async function () {
      const f = await loadFixture(deployFixture);
      await expect(f.pp.connect(f.stranger).setOpeningHours(1, WEEK, TORONTO))
        .to.be.revertedWithCustomError(f.pp, "VenueNotOperator")
        .withArgs(1, f.stranger.address);
      await expect(f.pp.connect(f.stranger).setOpeningExceptions(1, [{ date: 20271225, opens: 0, closes: 0 }]))
        .to.be.revertedWithCustomError(f.pp, "VenueNotOperator")
        .withArgs(1, f.stranger.address);
      await expect(f.pp.connect(f.stranger).setOpeningHours(9, WEEK, TORONTO))
        .to.be.revertedWithCustomError(f.pp, "VenueNotFound")
        .withArgs(9);
    });

    it("refuses bad exceptions with named errors and changes nothing", async function () {
      const f = await loadFixture(deployFixture);
      const ex = (f2: Fixture, list: { date: number; opens: number; closes: number }[]) =>
        f2.pp.connect(f2.operator).setOpeningExceptions(1, list);
      await ex(f, [{ date: 20271224, opens: 10, closes: 12 }]);
      const before = await f.pp.openingException(1, 20271224);
      for (const date of [20270230, 20271301, 20271200, 19691231, 21060101, 20270229]) {
        await expect(ex(f, [{ date, opens: 0, closes: 0 }]))
          .to.be.revertedWithCustomError(f.pp, "OpeningExceptionDateInvalid")
          .withArgs(date);
      }
      await expect(
        ex(f, [
          { date: 20271224, opens: 9, closes: 10 },
          { date: 20271223, opens: 0, closes: 0 },
        ]),
      )
        .to.be.revertedWithCustomError(f.pp, "OpeningExceptionsUnsorted")
        .withArgs(1);
      await expect(
        ex(f, [
          { date: 20271224, opens: 9, closes: 12 },
          { date: 20271224, opens: 11, closes: 13 },
        ]),
      )
        .to.be.revertedWithCustomError(f.pp, "OpeningHoursOverlap")
        .withArgs(255, 11, 13);
      await expect(ex(f, [{ date: 20271224, opens: 15, closes: 9 }]))
        .to.be.revertedWithCustomError(f.pp, "OpeningHoursInverted")
        .withArgs(255, 15, 9);
      await expect(ex(f, [{ date: 20271224, opens: 15, closes: 26 }]))
        .to.be.revertedWithCustomError(f.pp, "OpeningHoursOutOfDay")
        .withArgs(255, 15, 26);
      await expect(f.pp.connect(f.operator).clearOpeningExceptions(1, [20271225]))
        .to.be.revertedWithCustomError(f.pp, "OpeningExceptionNotFound")
        .withArgs(20271225);
      expect(await f.pp.openingException(1, 20271224)).to.deep.equal(before);
      expect(await f.pp.openingException(1, 20271223)).to.deep.equal([false, 0n]);
    });
  });

  describe("the module", function () {
    it("is reached through the VenueRegistry module, which names it", async function () {
      const f = await loadFixture(deployFixture);
      const registry = await ethers.getContractAt("VenueRegistry", await f.pp.getAddress());
      expect(await registry.openingHoursModule()).to.equal(await f.module.getAddress());
      await expect(ethers.deployContract("VenueRegistry", [ethers.ZeroAddress])).to.be.revertedWithCustomError(
        f.registry,
        "ZeroAddress",
      );
    });

    it("answers openHours only for a real resource, on the grid, for 1 to 8,784 hours", async function () {
      const f = await loadFixture(deployFixture);
      const t = utc(2027, 3, 15, 12);
      await expect(f.pp.openHours(9, t, 1))
        .to.be.revertedWithCustomError(f.pp, "ResourceNotFound")
        .withArgs(9);
      await expect(f.pp.openHours(1, t + 60n, 1)).to.be.revertedWithCustomError(f.pp, "BookingNotOnGrid");
      await expect(f.pp.openHours(1, t, 0))
        .to.be.revertedWithCustomError(f.pp, "BookingDurationOutOfRange")
        .withArgs(0, 1, 8784);
      await expect(f.pp.openHours(1, t, 8785)).to.be.revertedWithCustomError(f.pp, "BookingDurationOutOfRange");
      // 08:00 EDT open, 18:00 EDT (22:00 UTC) closed, 300 hours span two words.
      const open = await openHours(f, 1, t, 300);
      expect([open[0], open[10], open[24]]).to.deep.equal([true, false, true]);
    });

    it("reads back the weekly hours and zone that were set", async function () {
      const f = await loadFixture(deployFixture);
      const [mask, zone] = await f.pp.openingHours(1);
      let expected = 0n;
      for (let h = 0; h < 168; h++) if (openLocally(Math.floor(h / 24), h % 24)) expected |= 1n << BigInt(h);
      expect(mask).to.equal(expected);
      expect([zone.standardOffset, zone.daylightOffset]).to.deep.equal([-300n, -240n]);
      expect([zone.dstStart.month, zone.dstStart.week, zone.dstStart.weekday, zone.dstStart.hour]).to.deep.equal([
        3n,
        2n,
        0n,
        2n,
      ]);
      expect([zone.dstEnd.month, zone.dstEnd.week, zone.dstEnd.weekday, zone.dstEnd.hour]).to.deep.equal([
        11n,
        1n,
        0n,
        2n,
      ]);
    });
  });
});
