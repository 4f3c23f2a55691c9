import { describe, expect, it } from "vitest";
import { useState } from "react";
import { act, fireEvent, render, screen } from "@testing-library/react";
import { I18nProvider } from "../i18n/i18n.tsx";
import { CancelDialog, type CancelPreview } from "./CancelDialog.tsx";

const CAD = { address: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as const, symbol: "tCAD", decimals: 6 };

/** The dialog as MyPasses drives it; `finish` ends the pending cancellation with `refunded`. */
function Harness({ preview, refunded }: { preview: CancelPreview | undefined; refunded: bigint }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<bigint | null>(null);
  return (
    <>
      <CancelDialog
        asking={asking}
        onAsk={() => setAsking(true)}
        onKeep={() => setAsking(false)}
        onConfirm={() => setBusy(true)}
        preview={preview}
        currency={CAD}
        busy={busy}
        error={null}
        done={done}
      />
      <button type="button" onClick={() => (setDone(refunded), setAsking(false), setBusy(false))}>
        finish
      </button>
    </>
  );
}

const renderDialog = (preview: CancelPreview | undefined, refunded = 5_500_000n) =>
  render(
    <I18nProvider lang="en">
      <Harness preview={preview} refunded={refunded} />
    </I18nProvider>,
  );

describe("CancelDialog", () => {
  it("moves focus into the confirmation, keeps it there while confirming, then onto the result", () => {
    renderDialog({ refund: 5_750_000n, fee: 0n });
    const cancel = screen.getByRole("button", { name: "Cancel booking" });
    cancel.focus();
    fireEvent.click(cancel);
    const group = screen.getByRole("group", { name: "Cancel booking" });
    expect(document.activeElement).toBe(group);
    fireEvent.click(screen.getByRole("button", { name: "Confirm cancellation" }));
    expect(document.activeElement).not.toBe(document.body);
    expect(group.contains(document.activeElement)).toBe(true);
    act(() => screen.getByRole("button", { name: "finish" }).click());
    expect(document.activeElement).toBe(screen.getByTestId("cancel-done"));
    expect(screen.getByTestId("cancel-done").textContent).toBe("Cancelled. 5.50\u00a0tCAD refunded to your wallet.");
  });

  it("gives focus back to “Cancel booking” when the member keeps the booking", () => {
    renderDialog({ refund: 5_750_000n, fee: 0n });
    fireEvent.click(screen.getByRole("button", { name: "Cancel booking" }));
    fireEvent.click(screen.getByRole("button", { name: "Keep my booking" }));
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Cancel booking" }));
  });

  it("announces the refund preview, net of the sponsor's fee on the gasless path", () => {
    renderDialog({ refund: 5_750_000n, fee: 250_000n });
    fireEvent.click(screen.getByRole("button", { name: "Cancel booking" }));
    const preview = screen.getByTestId("refund-preview");
    expect(preview.getAttribute("aria-live")).toBe("polite");
    expect(preview.textContent).toBe(
      "Cancelling now refunds 5.50\u00a0tCAD (5.75\u00a0tCAD less the 0.25\u00a0tCAD service fee).",
    );
  });

  it("refuses a gasless cancellation whose refund does not cover the fee, before anything is signed", () => {
    renderDialog({ refund: 200_000n, fee: 250_000n });
    fireEvent.click(screen.getByRole("button", { name: "Cancel booking" }));
    expect(screen.getByTestId("refund-preview").textContent).toMatch(/smaller than the sponsor’s fee/);
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Confirm cancellation" }).disabled).toBe(true);
  });
});
