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
  const [failed, setFailed] = useState(false);
  const pending = (s: KnownSample | undefined) =>
    s !== undefined && s.name === null && s.thumbnail === null && s.retained;
  useEffect(() => {
    setShown(sample);
    setFailed(false);
    if (!pending(sample)) return;
    const fetched = sample as KnownSample;
    let live = true;
    callBlob(`/v1/adapters/${path(adapterId, "samples", fetched.id, "raw")}`).then(
      async (blob) => {
        // Filled in place: the known samples are the cache, so each raw upload is fetched once.
        if (blob.type.startsWith("text/")) fetched.name = await blob.text();
        else fetched.thumbnail = URL.createObjectURL(blob);
        if (live) setShown({ ...fetched });
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [adapterId, sample]);
  if (shown?.thumbnail) return <img src={shown.thumbnail} alt={shown.name ?? shown.label} />;
  // While its upload is fetched: a placeholder, not the id the fallback would show for a moment.
  if (pending(shown) && !failed) return <span class="pending" role="img" aria-label="loading" />;
  const text = shown?.name ?? fallback;
  // Two lines of it (an e-mail in full would make the list pages long); the title holds the rest.
  return (
    <span class="sample-text" title={text}>
      {text}
    </span>
  );
}
