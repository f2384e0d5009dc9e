/**
 * Head versions with their report figures; activate one (roll back or forward) in one click, or
 * export it (ONNX: backbone + head, or the head alone; JSON) as a file.
 */

import { useEffect, useState } from "preact/hooks";
import { call, callDownload, listAll, path } from "./api";
import type { Adapter, HeadVersion } from "./types";
import { Card, ErrorBox, fixed, keepFocusNear, useAction } from "./ui";

export function Versions({
  adapter,
  exportFormatsOf,
  onActivated,
  onShow,
}: {
  adapter: Adapter;
  exportFormatsOf: (backboneId: string) => string[];
  onActivated: () => Promise<void>;
  onShow: (version: number) => void;
}) {
  const [versions, setVersions] = useState<HeadVersion[]>([]);
  const action = useAction();
  const versionsPath = `/v1/adapters/${path(adapter.id)}/versions`;
  const load = async () => {
    const listed = await listAll<HeadVersion>(versionsPath, "versions");
    setVersions(listed);
    // Activated elsewhere meanwhile (another tab, the API): the adapter, which the header shows
    // and the other tabs read, is read again.
    const active = listed.find((v) => v.active)?.version ?? null;
    if (active !== adapter.activeVersion) await onActivated();
  };
  useEffect(() => {
    action.run(load);
  }, [adapter.id, adapter.activeVersion]);
  return (
    <Card title="Versions">
      <ErrorBox error={action.error} />
      {versions.length === 0 && !action.busy && !action.error && <p>No version yet: train one.</p>}
      <div class="table-scroll">
        <table class="actions-last" data-testid="versions">
          <thead>
            <tr>
              <th>version</th>
              <th>head</th>
              <th>backbone</th>
              <th>accuracy</th>
              <th>macro-F1</th>
              <th>ECE</th>
              <th>created</th>
              <th>export</th>
              <th>
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version} data-version={v.version} class={v.active ? "active" : ""}>
                <td>
                  {/* Named in full: "v1" alone, read out of the table, says nothing of a report. */}
                  <button
                    type="button"
                    class="link"
                    aria-label={`v${v.version}: report of version ${v.version}`}
                    onClick={() => onShow(v.version)}
                  >
                    v{v.version}
                  </button>
                </td>
                <td>{v.headType}</td>
                <td>
                  {v.binding.backbone}
                  {v.binding.layer ? ` / ${v.binding.layer}` : ""}
                </td>
                <td>{fixed(v.report.evaluation.accuracy.value)}</td>
                <td>{fixed(v.report.evaluation.macroF1.value)}</td>
                <td>{fixed(v.report.evaluation.metrics.expectedCalibrationError.value)}</td>
                <td>{new Date(v.createdAt).toLocaleString()}</td>
                <td>
                  {exportsOf(v, exportFormatsOf).length === 0 && (
                    <span class="hint">
                      none:{" "}
                      {v.headType === "finetune"
                        ? "a finetune head tunes the backbone"
                        : "a fused head is not exported"}
                    </span>
                  )}
                  {exportsOf(v, exportFormatsOf).map(([format, name]) => (
                    <button
                      key={format}
                      type="button"
                      class="small link"
                      aria-label={`export v${v.version} as ${name}`}
                      onClick={() =>
                        action.run(() => download(`${versionsPath}/${v.version}/export`, format))
                      }
                    >
                      {name}
                    </button>
                  ))}
                </td>
                <td>
                  {v.active ? (
                    <strong>active</strong>
                  ) : trainedElsewhere(v, adapter) ? (
                    // The API refuses it (409) until the adapter is switched back (Selection).
                    <span class="hint" data-testid="trained-elsewhere">
                      another {trainedElsewhere(v, adapter)}: switch back to activate
                    </span>
                  ) : (
                    <button
                      type="button"
                      aria-label={`activate v${v.version}`}
                      onClick={(event) =>
                        keepFocusNear(
                          event.currentTarget,
                          action.run(async () => {
                            await call("POST", `${versionsPath}/${v.version}/activate`);
                            await onActivated();
                            await load();
                          }),
                        )
                      }
                    >
                      Activate
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

/** The export formats, as the API names them and as the table does. */
const EXPORTS = [
  ["onnx", "ONNX"],
  ["onnx-head", "head ONNX"],
  ["json", "JSON"],
] as const;

/**
 * What a version was trained on that the adapter is not on now: another backbone, or another cut
 * layer of the same one; null if neither.
 */
function trainedElsewhere(version: HeadVersion, adapter: Adapter): "backbone" | "layer" | null {
  if (version.binding.backbone !== adapter.backbone) return "backbone";
  return version.binding.layer === adapter.layer ? null : "layer";
}

/**
 * What the API exports of a version (README, Export): nothing of a finetune head, whose backbone
 * differs from the frozen one; otherwise what its backbone exports (no whole graph of a text
 * backbone or a Keras one; nothing of a fusion).
 */
function exportsOf(version: HeadVersion, exportFormatsOf: (backboneId: string) => string[]) {
  if (version.headType === "finetune") return [];
  const formats = exportFormatsOf(version.binding.backbone);
  return EXPORTS.filter(([format]) => formats.includes(format));
}

/** Fetches an export with the key (a plain link could not send it) and saves it as a file. */
async function download(exportPath: string, format: string): Promise<void> {
  const { blob, filename } = await callDownload(`${exportPath}?format=${format}`);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = filename ?? `export.${format === "json" ? "json" : "onnx"}`;
  link.click();
  // After the click has handed the file to the browser's download.
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}
