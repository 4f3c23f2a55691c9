import { describe, expect, it } from "vitest";
import { act, fireEvent, render, screen } from "@testing-library/react";
import { useFlow } from "./useFlow.ts";

function Button({ flow }: { flow: () => Promise<void> }) {
  const f = useFlow();
  return (
    <button type="button" disabled={f.busy} onClick={() => void f.run(flow).catch(() => undefined)}>
      {f.busy ? "Working" : "Book"}
    </button>
  );
}

describe("useFlow", () => {
  it("runs a flow once when the button is double-clicked before the first click's flow ends", async () => {
    let calls = 0;
    let finish!: () => void;
    const flow = () => {
      calls++;
      return new Promise<void>((r) => (finish = r));
    };
    render(<Button flow={flow} />);
    const button = screen.getByRole("button");
    // Both clicks land in the same task, before React has re-rendered the button as disabled.
    act(() => {
      button.dispatchEvent(new MouseEvent("click", { bubbles: true }));
      button.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    });
    expect(calls).toBe(1);
    expect(screen.getByRole("button")).toHaveProperty("disabled", true);
    await act(async () => finish());
    expect(screen.getByRole("button").textContent).toBe("Book");
    fireEvent.click(screen.getByRole("button"));
    expect(calls).toBe(2);
  });

  it("unlocks after a failed flow", async () => {
    let calls = 0;
    render(
      <Button
        flow={async () => {
          calls++;
          throw new Error("wallet refused");
        }}
      />,
    );
    await act(async () => fireEvent.click(screen.getByRole("button")));
    await act(async () => fireEvent.click(screen.getByRole("button")));
    expect(calls).toBe(2);
  });
});
