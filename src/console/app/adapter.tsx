/** One adapter: samples, training (with the report), try it, versions, selection. */

import { useEffect, useRef, useState } from "preact/hooks";
import { call, fetchVersion, path } from "./api";
import { Report } from "./report";
import { TABS, type Tab } from "./route";
import { movedIndex } from "./roving-focus";
import { Samples } from "./samples";
import { Selection } from "./selection";
import { Train } from "./train";
import { TryIt } from "./try-it";
import type { Adapter, SampleCounts } from "./types";
import { Versions } from "./versions";

export function AdapterView({
  adapter,
  modality,
  headTypes,
  exportFormatsOf,
  tab,
  reportVersion,
  onTab,
  onBack,
  onChange,
}: {
  adapter: Adapter;
  modality: "image" | "text";
  /** What the adapter's backbone can train (`finetune` only where it has a trainable top). */
  headTypes: string[];
  /** The export formats of a head version on a backbone (GET /v1/backbones' `exports`). */
  exportFormatsOf: (backboneId: string) => string[];
  tab: Tab;
  /** The version the Report tab shows (the location names it); null: the one that serves. */
  reportVersion: number | null;
  onTab: (tab: Tab, version?: number) => void;
  onBack: () => void;
  onChange: (adapter: Adapter) => void;
}) {
  const [counts, setCounts] = useState<SampleCounts | null>(null);
  const adapterPath = `/v1/adapters/${path(adapter.id)}`;
  // The view replaced the list (or the form) that had the focus: it moves to the adapter's name, so
  // the keyboard and a screen reader continue from here rather than from the top of the page.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const refresh = async () => onChange(await call<Adapter>("GET", adapterPath));
  // A job followed in one tab can end while another is open (a switch applied from Selection, a
  // training left running): each change of tab reads the adapter again, so the line above the
  // tabs names the backbone and version that serve now. A failed read leaves it as it was.
  useEffect(() => {
    refresh().catch(() => {});
  }, [tab]);
  const showReport = (version: number) => onTab("Report", version);
  const servingHeadType = useServingHeadType(adapter);
  return (
    <div>
      <div class="row spread">
        <button type="button" class="link" onClick={onBack}>
          ← Adapters
        </button>
        <p class="hint">
          {modality} ·{" "}
          <span data-testid="adapter-backbone">
            {adapter.backbone}
            {adapter.layer ? ` / ${adapter.layer}` : ""}
          </span>{" "}
          · active <span data-testid="active-version">{adapter.activeVersion ?? "none"}</span>
          {servingHeadType && (
            <>
              {" "}
              (<span data-testid="active-head-type">{servingHeadType}</span>)
            </>
          )}{" "}
          · default head {adapter.headType}
        </p>
      </div>
      <h2 ref={heading} tabindex={-1}>
        {adapter.name}
      </h2>
      {/* The tabs' keys (WAI-ARIA): Tab enters at the open tab, the arrows, Home and End move. */}
      <div role="tablist" class="tabs" aria-label={`${adapter.name}: views`}>
        {TABS.map((name) => (
          <button
            key={name}
            id={tabId(name)}
            type="button"
            role="tab"
            aria-selected={tab === name}
            aria-controls="adapter-tabpanel"
            tabindex={tab === name ? 0 : -1}
            class={tab === name ? "tab active" : "tab"}
            onClick={() => onTab(name)}
            onKeyDown={(event) => {
              const to = movedIndex(TABS.indexOf(name), TABS.length, event.key, {
                axis: "horizontal",
                wrap: true,
              });
              const next = to === null ? undefined : TABS[to];
              if (!next) return;
              event.preventDefault();
              onTab(next);
              document.getElementById(tabId(next))?.focus();
            }}
          >
            {name}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="adapter-tabpanel" aria-labelledby={tabId(tab)}>
        {tab === "Samples" && (
          <Samples
            adapterId={adapter.id}
            modality={modality}
            counts={counts}
            onCounts={setCounts}
          />
        )}
        {tab === "Train" && (
          <Train
            adapter={adapter}
            headTypes={headTypes}
            onTrained={refresh}
            onShowReport={(version) => showReport(version)}
          />
        )}
        {tab === "Report" && <Report adapter={adapter} versionNumber={reportVersion} />}
        {tab === "Try it" && <TryIt adapter={adapter} modality={modality} />}
        {tab === "Versions" && (
          <Versions
            adapter={adapter}
            exportFormatsOf={exportFormatsOf}
            onActivated={refresh}
            onShow={showReport}
          />
        )}
        {tab === "Selection" && (
          <Selection adapter={adapter} modality={modality} onSwitched={refresh} />
        )}
      </div>
    </div>
  );
}

/**
 * The head type of the version that serves, read once per activation. The adapter's own `headType`
 * is only what a training trains when the request names none: versions may be of any type.
 */
function useServingHeadType(adapter: Adapter): string | null {
  const active = adapter.activeVersion === null ? null : `${adapter.id}/${adapter.activeVersion}`;
  const [served, setServed] = useState<{ active: string; headType: string } | null>(null);
  useEffect(() => {
    if (adapter.activeVersion === null) return;
    let live = true;
    fetchVersion(adapter.id, adapter.activeVersion).then(
      (version) =>
        live && version && setServed({ active: active as string, headType: version.headType }),
      // A failed read only leaves the head type out.
      () => {},
    );
    return () => {
      live = false;
    };
  }, [active]);
  return served !== null && served.active === active ? served.headType : null;
}

const tabId = (tab: Tab) => `tab-${tab.toLowerCase().replace(" ", "-")}`;
