/** Head versions with their report figures; activate one (roll back or forward) in one click. */

import { useEffect, useState } from "preact/hooks";
import { call, path } from "./api";
import type { Adapter, HeadVersion } from "./types";
import { Card, ErrorBox, fixed, useAction } from "./ui";

export function Versions({
  adapter,
  onActivated,
  onShow,
}: {
  adapter: Adapter;
  onActivated: () => Promise<void>;
  onShow: (version: number) => Promise<void>;
}) {
  const [versions, setVersions] = useState<HeadVersion[]>([]);
  const action = useAction();
  const versionsPath = `/v1/adapters/${path(adapter.id)}/versions`;
  const load = async () =>
    setVersions(
      (await call<{ versions: HeadVersion[] }>("GET", `${versionsPath}?limit=200`)).versions,
    );
  useEffect(() => {
    action.run(load);
  }, [adapter.id, adapter.activeVersion]);
  return (
    <Card title="Versions">
      <ErrorBox error={action.error} />
      <table data-testid="versions">
        <thead>
          <tr>
            <th>version</th>
            <th>head</th>
            <th>backbone</th>
            <th>accuracy</th>
            <th>macro-F1</th>
            <th>ECE</th>
            <th>created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} data-version={v.version} class={v.active ? "active" : ""}>
              <td>
                <button
                  type="button"
                  class="link"
                  onClick={() => action.run(() => onShow(v.version))}
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
                {v.active ? (
                  <strong>active</strong>
                ) : (
                  <button
                    type="button"
                    onClick={() =>
                      action.run(async () => {
                        await call("POST", `${versionsPath}/${v.version}/activate`);
                        await onActivated();
                        await load();
                      })
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
    </Card>
  );
}
