// The demo network of PROTOCOL.md: three Québec venues in the spirit of the seed article, their
// resources, payees, cancellation policies and doors. Pure data; lib/seed.ts writes it on chain.
// Accounts are indexes into Hardhat's default accounts (mnemonic "test test … junk").

export const HOUR = 3600;
export const CAD = 1_000_000n; // TestCAD has 6 decimals

export type DemoPolicy = "flexible" | "moderate" | "strict";
export const POLICIES: Record<DemoPolicy, { secondsBeforeStart: number; refundBps: number }[]> = {
  // Full refund until 24 h before, half until the start.
  flexible: [
    { secondsBeforeStart: 24 * HOUR, refundBps: 10_000 },
    { secondsBeforeStart: 0, refundBps: 5_000 },
  ],
  // Full refund until 48 h before, half until 24 h before.
  moderate: [
    { secondsBeforeStart: 48 * HOUR, refundBps: 10_000 },
    { secondsBeforeStart: 24 * HOUR, refundBps: 5_000 },
  ],
  // Full refund until 7 days before, nothing after.
  strict: [{ secondsBeforeStart: 7 * 24 * HOUR, refundBps: 10_000 }],
};

export type DemoResource = {
  key: string;
  name: string;
  kind: number; // 0 desk, 1 office, 2 meeting room, 3 studio, 4 hall
  units: number;
  currency: "ETH" | "CAD";
  prices: { hour: bigint; day: bigint; month: bigint };
  minHours: number;
  maxHours: number;
  horizonDays: number;
  graceMinutes: number;
  policy: DemoPolicy;
  transferable: boolean;
  description: { fr: string; en: string };
  /** Bookable only in the venue's opening hours (set on chain); false: around the clock. */
  followsOpeningHours: boolean;
};

/** The network admin's tax rates, in parts per 100,000: GST 5 %, QST 9.975 % (Québec, 2026). */
export const TAX_RATES = { gst: 5_000, qst: 9_975 };

export type DemoVenue = {
  name: string;
  operator: number;
  /** Billing identity for receipts; every demo venue is a GST and QST registrant, taxes go to its operator. */
  tax: { legalName: string; postalAddress: string; gstNumber: string; qstNumber: string };
  payees: { account: number; role: string; shareBps: number }[];
  /** Weekly opening hours in the venue's zone (`metadata.timezone`), set on chain: day 0 = Monday,
   * whole hours `[opens, closes)`. The venue page shows these; the resources that follow them can be
   * booked only then. Every venue keeps one resource bookable around the clock, so that the demo can
   * always book "now". */
  hours: { day: number; opens: number; closes: number }[];
  /** The longest offline door pass, 1–24 h, set on chain (setDoorPassMaxHours); absent: the relayer's default. */
  doorPassMaxHours?: number;
  metadata: {
    place: string;
    address: string;
    timezone: string;
    description: { fr: string; en: string };
    picture: string; // data: URI, no external host
  };
  resources: DemoResource[];
  doors: { name: string; resources: "all" | string[] }[];
};

function picture(label: string, hue: number): string {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 180">` +
    `<rect width="320" height="180" fill="hsl(${hue},45%,35%)"/>` +
    `<path d="M40 150V80l60-40 60 40v70z" fill="hsl(${hue},40%,85%)"/>` +
    `<rect x="88" y="110" width="24" height="40" fill="hsl(${hue},45%,35%)"/>` +
    `<text x="180" y="100" font-family="sans-serif" font-size="20" fill="#fff">${label}</text></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}

/** Opening hours Monday to Friday, and on Saturday and Sunday if given, as `[opens, closes)`. */
function week(h: { weekdays: [number, number]; saturday?: [number, number]; sunday?: [number, number] }) {
  const days: [number, [number, number] | undefined][] = [
    ...[0, 1, 2, 3, 4].map((d): [number, [number, number]] => [d, h.weekdays]),
    [5, h.saturday],
    [6, h.sunday],
  ];
  return days.flatMap(([day, r]) => (r ? [{ day, opens: r[0], closes: r[1] }] : []));
}

// A resource: the shared desk of etc Saint-Germain (bookable around the clock) unless `over` says otherwise.
const resource = (over: Partial<DemoResource>): DemoResource => ({
  key: "desk",
  name: "Poste partagé",
  kind: 0,
  units: 12,
  currency: "CAD",
  prices: { hour: 5n * CAD, day: 25n * CAD, month: 250n * CAD },
  minHours: 1,
  maxHours: 2_160,
  horizonDays: 90,
  graceMinutes: 15,
  policy: "flexible",
  transferable: true,
  description: { fr: "Poste de travail partagé", en: "Shared desk" },
  followsOpeningHours: false,
  ...over,
});

export const DEMO_VENUES: DemoVenue[] = [
  {
    name: "Le Lab",
    operator: 1,
    tax: {
      legalName: "Coopérative Le Lab de Vallée-Jonction",
      postalAddress: "255, rue du Couvent, Vallée-Jonction (Québec) G0S 3J0",
      gstNumber: "714356289RT0001",
      qstNumber: "1221873645TQ0001",
    },
    payees: [
      { account: 1, role: "operator", shareBps: 7_000 },
      { account: 2, role: "building owner", shareBps: 3_000 },
    ],
    hours: week({ weekdays: [7, 22], saturday: [9, 17] }),
    metadata: {
      place: "Vallée-Jonction",
      address: "Vallée-Jonction, QC",
      timezone: "America/Toronto",
      description: {
        fr: "Bureaux privés, salles de conférence, studio photo et salle de banquet dans un ancien couvent.",
        en: "Private offices, conference rooms, a photo studio and a banquet hall in a former convent.",
      },
      picture: picture("Le Lab", 200),
    },
    resources: [
      resource({
        key: "office",
        name: "Bureau privé",
        kind: 1,
        units: 6,
        prices: { hour: 15n * CAD, day: 60n * CAD, month: 600n * CAD },
        maxHours: 4_320,
        policy: "moderate",
        description: { fr: "Bureau privé fermé à clé", en: "Lockable private office" },
      }),
      resource({
        key: "conference",
        followsOpeningHours: true,
        name: "Salle de conférence",
        kind: 2,
        units: 2,
        prices: { hour: 25n * CAD, day: 150n * CAD, month: 2_500n * CAD },
        maxHours: 72,
        horizonDays: 60,
        description: { fr: "Salle de conférence, 12 places, écran", en: "Conference room, 12 seats, screen" },
      }),
      resource({
        key: "studio",
        followsOpeningHours: true,
        name: "Studio photo",
        kind: 3,
        units: 1,
        prices: { hour: 40n * CAD, day: 250n * CAD, month: 3_000n * CAD },
        maxHours: 168,
        policy: "moderate",
        description: { fr: "Studio photo avec éclairage", en: "Photo studio with lighting" },
      }),
      resource({
        key: "hall",
        followsOpeningHours: true,
        name: "Salle de banquet",
        kind: 4,
        units: 1,
        prices: { hour: 120n * CAD, day: 900n * CAD, month: 15_000n * CAD },
        minHours: 3,
        maxHours: 48,
        horizonDays: 365,
        graceMinutes: 60,
        policy: "strict",
        transferable: false,
        description: { fr: "Salle de banquet, 150 personnes", en: "Banquet hall, 150 guests" },
      }),
    ],
    doors: [
      { name: "Entrée principale", resources: "all" },
      { name: "Salle de conférence", resources: ["conference"] },
      { name: "Studio", resources: ["studio"] },
    ],
  },
  {
    name: "etc Saint-Germain",
    operator: 3,
    tax: {
      legalName: "Espace de travail collaboratif Saint-Germain inc.",
      postalAddress: "276, route 230 Ouest, Saint-Germain-de-Kamouraska (Québec) G0L 3G0",
      gstNumber: "802945613RT0001",
      qstNumber: "1226549803TQ0001",
    },
    payees: [
      { account: 3, role: "operator", shareBps: 8_000 },
      { account: 4, role: "fabrique (church owner)", shareBps: 2_000 },
    ],
    hours: week({ weekdays: [6, 23], saturday: [6, 23], sunday: [6, 23] }),
    metadata: {
      place: "Saint-Germain-de-Kamouraska",
      address: "Saint-Germain-de-Kamouraska, QC",
      timezone: "America/Toronto",
      description: {
        fr: "Postes partagés à l'heure, au jour ou au mois dans l'église du village.",
        en: "Shared desks by the hour, day or month in the village church.",
      },
      picture: picture("etc", 30),
    },
    // One resource, one currency: members pay in CAD, so every demo resource is priced in TestCAD
    // (the contracts and the operator pages still take native ETH for networks that want it).
    resources: [resource({})],
    doors: [{ name: "Porte de l'église", resources: "all" }],
  },
  {
    name: "L'Ancienne Caisse",
    operator: 5,
    tax: {
      legalName: "Cotravail L'Ancienne Caisse SENC",
      postalAddress: "322, avenue de Gaspé Ouest, Saint-Jean-Port-Joli (Québec) G0R 3G0",
      gstNumber: "795126834RT0001",
      qstNumber: "1230987456TQ0001",
    },
    payees: [
      { account: 5, role: "operator", shareBps: 6_000 },
      { account: 6, role: "building owner", shareBps: 3_500 },
      { account: 7, role: "municipality", shareBps: 500 },
    ],
    hours: week({ weekdays: [8, 20] }),
    // A bank vault: a pass cancelled during an outage opens for at most 4 hours.
    doorPassMaxHours: 4,
    metadata: {
      place: "Saint-Jean-Port-Joli",
      address: "Saint-Jean-Port-Joli, QC",
      timezone: "America/Toronto",
      description: {
        fr: "Une ancienne succursale bancaire devenue espace de cotravail; la voûte est une salle de réunion.",
        en: "A former bank branch turned coworking space; the vault is a meeting room.",
      },
      picture: picture("Caisse", 130),
    },
    resources: [
      resource({ units: 8, prices: { hour: 4n * CAD, day: 20n * CAD, month: 220n * CAD } }),
      resource({
        key: "vault",
        followsOpeningHours: true,
        name: "La Voûte",
        kind: 2,
        units: 1,
        prices: { hour: 20n * CAD, day: 120n * CAD, month: 1_500n * CAD },
        maxHours: 24,
        description: { fr: "Salle de réunion dans l'ancienne voûte", en: "Meeting room in the old vault" },
      }),
    ],
    doors: [
      { name: "Porte avant", resources: "all" },
      { name: "La Voûte", resources: ["vault"] },
    ],
  },
];

/** Demo members: Hardhat accounts #10–#14, funded with ETH by the node and TestCAD by the seed. */
export const DEMO_MEMBERS = [10, 11, 12, 13, 14];
export const MEMBER_CAD = 5_000n * CAD;

export function jsonDataUri(value: unknown): string {
  return `data:application/json;base64,${Buffer.from(JSON.stringify(value)).toString("base64")}`;
}
