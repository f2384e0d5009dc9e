/** Keyboard focus within a composite widget (tabs, a list of buttons, a grid) with one tab stop. */

/**
 * The index a key moves the focus to among `count` items in a row (the roving tab stop of WAI-ARIA
 * composite widgets): the arrows step (those of `axis`), Home and End go to the ends; `wrap` steps
 * from one end to the other. Null for any other key.
 */
export function movedIndex(
  at: number,
  count: number,
  key: string,
  { axis, wrap }: { axis: "horizontal" | "vertical" | "both"; wrap: boolean },
): number | null {
  const forward = [
    ...(axis !== "vertical" ? ["ArrowRight"] : []),
    ...(axis !== "horizontal" ? ["ArrowDown"] : []),
  ];
  const backward = [
    ...(axis !== "vertical" ? ["ArrowLeft"] : []),
    ...(axis !== "horizontal" ? ["ArrowUp"] : []),
  ];
  const step = forward.includes(key) ? 1 : backward.includes(key) ? -1 : 0;
  if (step !== 0) {
    const to = at + step;
    return wrap ? (to + count) % count : Math.min(count - 1, Math.max(0, to));
  }
  if (key === "Home") return 0;
  if (key === "End") return count - 1;
  return null;
}
