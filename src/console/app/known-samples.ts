/**
 * The samples uploaded from this tab, by content hash (the SHA-256 the API keys samples by): the
 * API lists counts, not samples, so the console remembers what it sent, to show thumbnails and to
 * name the test samples of a confusion-matrix cell.
 */

export interface KnownSample {
  id: string;
  label: string;
  /** The file name, or the text itself. */
  name: string;
  /** A blob: URL of the image, null for text. */
  thumbnail: string | null;
}

class KnownSamples {
  private readonly byHash = new Map<string, KnownSample>();

  set(hash: string, sample: KnownSample): void {
    this.byHash.set(hash, sample);
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

export async function sha256Hex(bytes: BufferSource): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
