/**
 * The top-unfrozen candidate's cut activations in memory, for an in-process selection: the samples
 * run through the candidate's backbone once more, to the cut, a batch at a time, and are kept
 * encoded (int8, as the job keeps them in SQLite) and decoded as the fit reads them.
 */

import { encodeActivations, encodedSource } from "../../adapters";
import type { RawInput } from "../runtime/backbone-inputs";
import type { BackbonePool } from "../runtime/backbones";
import { cutGeometry } from "../storage/cut-activations";
import { decodedBatches } from "./embed-raw";
import type { FinetuneActivations } from "./finetune-candidate";

export function memoryActivations(pool: BackbonePool, raws: RawInput[]): FinetuneActivations {
  let encoded: Uint8Array[] = [];
  return {
    async fillNext({ manifest, top, backbone }) {
      const { positions, channels } = cutGeometry(manifest, top);
      encoded = [];
      for await (const inputs of decodedBatches(manifest, raws)) {
        const { maps } = await pool.embedWithCut(backbone, inputs);
        encoded.push(...maps.map((map) => encodeActivations(map, positions, channels)));
      }
      return true;
    },
    source: ({ positions, channels }) =>
      encodedSource(
        (indices) => Array.from(indices, (i) => encoded[i] as Uint8Array),
        positions,
        channels,
      ),
  };
}
