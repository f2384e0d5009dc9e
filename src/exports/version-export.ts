/**
 * Exporting a head version: read its record, check that this deployment serves the backbone weights
 * it was trained on, and build the requested format. The ETag is known before anything is built, so
 * a client holding the current copy is answered 304 without the work (a version never changes).
 */

import { AdapterHead, describeHead } from "../../adapters";
import { resolveCutLayer } from "../../models/cut-layer";
import { isFusionId } from "../../models/fusion";
import type { BackboneManifest, CutLayer } from "../../models/manifest";
import { Problem } from "../problem";
import type { BackbonePool } from "../runtime/backbones";
import { loadHead } from "../storage/head-cache";
import { unwrap } from "../storage/outcome";
import type { VersionRecord } from "../storage/records";
import type { TenantStoreClient } from "../tenants/stores";
import { HEAD_DOCUMENT_SCHEMA_VERSION, headDocument } from "./head-document";
import { assertWholeGraph, backboneClassifierOnnx, headOnnx } from "./onnx-export";
import { type StreamedFile, streamedFile } from "./streamed-file";

export const EXPORT_FORMATS = ["onnx", "onnx-head", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportSources {
  store: TenantStoreClient;
  heads: KVNamespace;
  backbones: BackbonePool;
}

export interface VersionExport {
  etag: string;
  filename: string;
  contentType: string;
  /**
   * Builds the file: JSON text, or an ONNX model to stream (for format=onnx, the backbone
   * converted: about a second for MobileNetV2).
   */
  body(): Promise<StreamedFile | string>;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  onnx: "application/octet-stream",
  "onnx-head": "application/octet-stream",
  json: "application/json",
};

const SUFFIXES: Record<ExportFormat, string> = {
  onnx: ".onnx",
  "onnx-head": "-head.onnx",
  json: "-head.json",
};

export async function versionExport(
  sources: ExportSources,
  adapterId: string,
  version: number,
  format: ExportFormat,
): Promise<VersionExport> {
  const record = unwrap(await sources.store.getVersion(adapterId, version));
  if (record.headType === "finetune") {
    throw new Problem(
      422,
      "finetune-not-exportable",
      `version ${record.version} is a finetune head (it tunes the backbone's top); exports describe heads on frozen embeddings`,
    );
  }
  const manifest = servedBackbone(sources.backbones, record);
  const layer = resolveCutLayer(manifest, record.binding.layer ?? undefined);
  if (format === "onnx") assertWholeGraph(manifest);
  const description = async () => {
    const head = await loadHead(sources.heads, record.headKey, {
      id: manifest.id,
      weightsHash: manifest.weightsHash,
      dim: layer.dim,
    });
    if (!(head instanceof AdapterHead)) throw new Error(`${record.headKey} is not a frozen head`);
    return describeHead(head);
  };
  return {
    etag: etagOf(record, format, layer),
    filename: `${record.adapterId}-v${record.version}${SUFFIXES[format]}`,
    contentType: CONTENT_TYPES[format],
    async body() {
      const head = await description();
      if (format === "json") {
        return JSON.stringify(headDocument(record, manifest, layer, head));
      }
      return streamedFile(
        format === "onnx-head"
          ? [headOnnx(manifest, layer, record, head)]
          : await backboneClassifierOnnx(sources.backbones, manifest, layer, record, head),
      );
    },
  };
}

/** The version's backbone as served here, refused if its weights have changed since (409). */
function servedBackbone(backbones: BackbonePool, record: VersionRecord): BackboneManifest {
  if (isFusionId(record.binding.backbone)) {
    throw new Problem(
      422,
      "fusion-not-exportable",
      `version ${record.version} runs on the fusion ${record.binding.backbone}; exports describe one backbone's head`,
    );
  }
  const manifest = backbones.manifest(record.binding.backbone);
  if (manifest.weightsHash !== record.binding.weightsHash) {
    throw new Problem(
      409,
      "backbone-changed",
      `version ${record.version} was trained on other weights of ${manifest.id} than the ones served now`,
      {
        expectedWeightsHash: record.binding.weightsHash,
        servedWeightsHash: manifest.weightsHash,
      },
    );
  }
  return manifest;
}

/**
 * What a format's builder writes, raised when its bytes change for the same version (2: format=onnx
 * keeps the backbone's weights as uint8 codes), so that a client's copy is not answered 304.
 */
const BUILDER_REVISIONS: Record<ExportFormat, number> = { onnx: 2, "onnx-head": 1, json: 1 };

/**
 * Everything the file depends on: the immutable head, the backbone weights and cut layer, the
 * format, its builder's revision and the document's schema version.
 */
function etagOf(record: VersionRecord, format: ExportFormat, layer: CutLayer): string {
  const weights = record.binding.weightsHash.slice(0, 16);
  return `"${record.adapterId}-v${record.version}-${format}-${layer.name}-${weights}-s${HEAD_DOCUMENT_SCHEMA_VERSION}-r${BUILDER_REVISIONS[format]}"`;
}
