/**
 * The adapter's samples by content hash (the SHA-256 the API keys samples by), to show thumbnails,
 * delete single samples and name the test samples of a confusion-matrix cell. Listed from the API
 * (`loadKnownSamples`); samples uploaded from this tab also keep their local preview, and the others'
 * raw uploads are fetched when first shown (./sample-preview.tsx).
 */

import { pagesOf, path } from "./api";
import type { SampleList } from "./types";

export interface KnownSample {
  id: string;
  label: string;
  /** Whether the API kept the raw upload (so a preview can be fetched). */
  retained: boolean;
  /** The file name or the text itself; null until known. */
  name: string | null;
  /** A blob: URL of the image; null for text, or until fetched. */
  thumbnail: string | null;
}

class KnownSamples {
  private readonly byHash = new Map<string, KnownSample>();

  set(hash: string, sample: KnownSample): void {
    const previous = this.byHash.get(hash);
    if (previous?.thumbnail && previous.thumbnail !== sample.thumbnail) {
      URL.revokeObjectURL(previous.thumbnail);
    }
    this.byHash.set(hash, sample);
  }

  /** Adds listed samples this tab does not know yet, without a preview. */
  addListed(items: SampleList["items"]): void {
    for (const { id, label, contentHash, retained } of items) {
      if (!this.byHash.has(contentHash)) {
        this.byHash.set(contentHash, { id, label, retained, name: null, thumbnail: null });
      }
    }
  }

  get(hash: string | null): KnownSample | undefined {
    return hash === null ? undefined : this.byHash.get(hash);
  }

  ofLabel(label: string): KnownSample[] {
    return [...this.byHash.values()].filter((sample) => sample.label === label);
  }

  forget(id: string): void {
    for (const [hash, sample] of this.byHash) if (sample.id === id) this.drop(hash, sample);
  }

  forgetLabel(label: string): void {
    for (const [hash, sample] of this.byHash) if (sample.label === label) this.drop(hash, sample);
  }

  private drop(hash: string, sample: KnownSample): void {
    if (sample.thumbnail) URL.revokeObjectURL(sample.thumbnail);
    this.byHash.delete(hash);
  }
}

const perAdapter = new Map<string, KnownSamples>();

export function knownSamples(adapterId: string): KnownSamples {
  let known = perAdapter.get(adapterId);
  if (!known) {
    known = new KnownSamples();
    perAdapter.set(adapterId, known);
  }
  return known;
}

/** Lists every page of the adapter's samples into its known samples; returns the counts. */
export async function loadKnownSamples(adapterId: string): Promise<SampleList> {
  const known = knownSamples(adapterId);
  let first: SampleList | undefined;
  for await (const page of pagesOf<SampleList>(`/v1/adapters/${path(adapterId)}/samples`)) {
    first ??= page;
    known.addListed(page.items);
  }
  return first as SampleList;
}

const listings = new Map<string, Promise<unknown>>();

/**
 * Lists the adapter's samples once in this page (a report opened by link, say, names its held-out
 * samples by hash before the Samples tab has listed them); a failed listing is tried again next time.
 */
export function listKnownSamplesOnce(adapterId: string): Promise<unknown> {
  let listing = listings.get(adapterId);
  if (!listing) {
    listing = loadKnownSamples(adapterId).catch((error: unknown) => {
      listings.delete(adapterId);
      throw error;
    });
    listings.set(adapterId, listing);
  }
  return listing;
}

export async function sha256Hex(bytes: BufferSource): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
