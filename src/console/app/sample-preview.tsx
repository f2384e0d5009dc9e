/**
 * One sample as a thumbnail or its text. A sample this tab did not upload is fetched once from its
 * retained raw upload when first shown; one not retained shows the caller's fallback text.
 */

import { useEffect, useState } from "preact/hooks";
import { callBlob, path } from "./api";
import type { KnownSample } from "./known-samples";

export function SamplePreview({
  adapterId,
  sample,
  fallback,
}: {
  adapterId: string;
  sample: KnownSample | undefined;
  /** What to show when there is nothing better (not retained, not listed). */
  fallback: string;
}) {
  const [shown, setShown] = useState(sample);
  useEffect(() => {
    setShown(sample);
    if (!sample || sample.name !== null || sample.thumbnail !== null || !sample.retained) return;
    let live = true;
    callBlob(`/v1/adapters/${path(adapterId, "samples", sample.id, "raw")}`).then(
      async (blob) => {
        // Filled in place: the known samples are the cache, so each raw upload is fetched once.
        if (blob.type.startsWith("text/")) sample.name = await blob.text();
        else sample.thumbnail = URL.createObjectURL(blob);
        if (live) setShown({ ...sample });
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [adapterId, sample]);
  if (shown?.thumbnail) return <img src={shown.thumbnail} alt={shown.name ?? shown.label} />;
  return <span>{shown?.name ?? fallback}</span>;
}
