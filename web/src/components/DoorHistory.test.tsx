import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { auditAnswer } from "../../../protocol/api/read.ts";
import type { Lang } from "../i18n/messages.ts";
import { fakeProtocol, withApp } from "../test/fakeApp.tsx";
import { DoorHistory } from "./DoorHistory.tsx";

type Entry = { seq: number; result: "granted" | "refused" | "lock_failed"; reason: string; pass: string };

/** The member's GET /api/audit answer, as the relayer serialises it, with these offline records of door 3. */
function answer(entries: Entry[]) {
  return auditAnswer.encode({
    records: [],
    agentRecords: entries.map((e) => ({
      venue: 1,
      agent: "agent-1",
      seq: e.seq,
      time: 1_800_000_000 + e.seq * 60,
      door: 3,
      kind: "offline" as const,
      result: e.result,
      reason: e.reason,
      ref: `1-7-${60_000_000 + e.seq}`,
      relayer: `0x${"ab".repeat(20)}`,
      pass: e.pass,
      prevHash: `0x${"00".repeat(32)}`,
      hash: `0x${String(e.seq).padStart(64, "0")}`,
      signature: `0x${"11".repeat(65)}`,
      receivedAt: 1_800_001_000,
    })),
    doorLogForks: [],
    asOfBlock: 10,
  });
}

const entries: Entry[] = [
  { seq: 4, result: "lock_failed", reason: "jammed", pass: "12" },
  { seq: 3, result: "refused", reason: "bad_device_signature", pass: "12" },
  { seq: 2, result: "refused", reason: "door_pass_revoked", pass: "12" },
  { seq: 1, result: "granted", reason: "granted", pass: "12" },
];

async function shown(lang: Lang): Promise<string[]> {
  const get = (path: string) => {
    expect(path).toBe("/api/audit?limit=50");
    return Promise.resolve(JSON.parse(JSON.stringify(answer(entries))) as unknown);
  };
  render(
    withApp(<DoorHistory timeZone="America/Toronto" />, {
      protocol: fakeProtocol({}, {}),
      me: null,
      lang,
      relayer: { get } as never,
    }),
  );
  const list = await screen.findByRole("list");
  return within(list)
    .getAllByRole("listitem")
    .map((li) => li.textContent.replace(/^.*?·\s*/, "")); // without the date
}

describe("the member's door history", () => {
  it("shows refused offline entries with the reason in English", async () => {
    expect(await shown("en")).toEqual([
      "door #3 · Lock failed — The lock is jammed; tell the venue · pass #12 offline",
      "door #3 · Refused — Code from another device · pass #12 offline",
      "door #3 · Refused — Pass cancelled or moved · pass #12 offline",
      "door #3 · Opened · pass #12 offline",
    ]);
  });

  it("shows refused offline entries with the reason in French", async () => {
    expect(await shown("fr")).toEqual([
      "porte nº 3 · La serrure n’a pas répondu — La serrure est bloquée ; prévenez le lieu · passe nº 12 hors ligne",
      "porte nº 3 · Refusée — Code venant d’un autre appareil · passe nº 12 hors ligne",
      "porte nº 3 · Refusée — Passe annulé ou transféré · passe nº 12 hors ligne",
      "porte nº 3 · Ouverte · passe nº 12 hors ligne",
    ]);
  });
});
