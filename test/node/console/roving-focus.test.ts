/** The keys that move a roving tab stop: tabs wrap round, a list of buttons stops at its ends. */

import { describe, expect, it } from "vitest";
import { movedIndex } from "../../../src/console/app/roving-focus";

describe("movedIndex", () => {
  const tabs = { axis: "horizontal", wrap: true } as const;
  const list = { axis: "both", wrap: false } as const;

  it("steps with the arrows of its axis, wrapping for tabs", () => {
    expect(movedIndex(0, 6, "ArrowRight", tabs)).toBe(1);
    expect(movedIndex(5, 6, "ArrowRight", tabs)).toBe(0);
    expect(movedIndex(0, 6, "ArrowLeft", tabs)).toBe(5);
    expect(movedIndex(2, 6, "ArrowDown", tabs)).toBeNull();
  });

  it("stops at a list's ends and takes the vertical arrows too", () => {
    expect(movedIndex(0, 3, "ArrowUp", list)).toBe(0);
    expect(movedIndex(2, 3, "ArrowDown", list)).toBe(2);
    expect(movedIndex(1, 3, "ArrowLeft", list)).toBe(0);
  });

  it("goes to the ends with Home and End, and ignores other keys", () => {
    expect(movedIndex(3, 6, "Home", list)).toBe(0);
    expect(movedIndex(0, 6, "End", tabs)).toBe(5);
    expect(movedIndex(0, 6, "Enter", list)).toBeNull();
  });
});
