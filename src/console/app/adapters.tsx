/**
 * The tenant's adapters: list, create (modality, backbone, cut layer, optionally a second backbone
 * or layer to fuse with, head type), delete, open one.
 */

import { useEffect, useState } from "preact/hooks";
import { AdapterView } from "./adapter";
import { call, path } from "./api";
import { fusableLayers, fusionHeadTypes, fusionId, fusionPartners, partnerLayer } from "./fusion";
import type { Tab } from "./route";
import { type Adapter, type Backbone, catalogueEntry, headTypesFor, isFusion } from "./types";
import { Card, ErrorBox, HeadTypeSelect, keepFocusNear, mib, useAction } from "./ui";
import { useRoute } from "./use-route";

export function AdapterList() {
  // null until listed: an empty list is "no adapters yet", not "not loaded yet".
  const [adapters, setAdapters] = useState<Adapter[] | null>(null);
  const [backbones, setBackbones] = useState<Backbone[]>([]);
  const [route, go] = useRoute();
  const action = useAction();
  // The adapter the location named when the list was last read (null: none, the list itself).
  const [listedFor, setListedFor] = useState<string | null>(null);
  // Listed again whenever the list is shown: adapters created or deleted meanwhile (another tab,
  // the API) appear or go. So is it, once, for a link to an adapter the list does not have: it may
  // have been created since.
  const atList = route.adapterId === null;
  const unknown =
    adapters !== null &&
    route.adapterId !== null &&
    !adapters.some((adapter) => adapter.id === route.adapterId);
  const lookingFor = unknown && listedFor !== route.adapterId;
  useEffect(() => {
    if (!atList && adapters !== null && !lookingFor) return;
    const wanted = route.adapterId;
    action.run(async () => {
      const [list, catalogue] = await Promise.all([
        call<{ adapters: Adapter[] }>("GET", "/v1/adapters?limit=200"),
        call<{ backbones: Backbone[] }>("GET", "/v1/backbones"),
      ]);
      setAdapters(list.adapters);
      setBackbones(catalogue.backbones);
      setListedFor(wanted);
    });
  }, [atList, route.adapterId]);
  // A fusion (`mobilenet-v2:pooled+mobilenet-v2:block12`) is not in the catalogue: its parts are.
  const modalityOf = (adapter: Adapter) =>
    catalogueEntry(backbones, adapter.backbone)?.modality ?? "text";
  const exportFormatsOf = (backboneId: string) =>
    isFusion(backboneId) ? [] : (catalogueEntry(backbones, backboneId)?.exports ?? []);

  const open = adapters?.find((adapter) => adapter.id === route.adapterId);
  const openAt = (adapter: Adapter | null, tab: Tab = "Samples", version: number | null = null) =>
    go({ adapterId: adapter?.id ?? null, tab, version });
  if (open) {
    return (
      <AdapterView
        key={open.id}
        adapter={open}
        modality={modalityOf(open)}
        headTypes={headTypesFor(
          backbones.find((b) => b.id === open.backbone),
          open.layer,
        )}
        exportFormatsOf={exportFormatsOf}
        tab={route.tab}
        reportVersion={route.version}
        onTab={(tab, version) => openAt(open, tab, version)}
        onBack={() => openAt(null)}
        onChange={(changed) => {
          setAdapters((list) => list?.map((a) => (a.id === changed.id ? changed : a)) ?? null);
        }}
      />
    );
  }
  return (
    <div class="grid2">
      <Card title="Adapters">
        <ErrorBox error={action.error} />
        {(adapters === null || lookingFor) && !action.error && <p role="status">Loading…</p>}
        {unknown && !lookingFor && (
          <p role="alert" class="error">
            No adapter “{route.adapterId}” in this tenant (deleted, or a link from another tenant):
            pick one below.
          </p>
        )}
        {adapters?.length === 0 && <p>No adapters yet: create one.</p>}
        <div class="table-scroll">
          <table class="actions-last">
            <thead>
              <tr>
                <th>name</th>
                <th>backbone</th>
                <th>default head</th>
                <th>active</th>
                <th>
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {adapters?.map((adapter) => (
                <tr key={adapter.id}>
                  <td>
                    <button type="button" class="link" onClick={() => openAt(adapter)}>
                      {adapter.name}
                    </button>
                  </td>
                  <td>
                    {adapter.backbone}
                    {adapter.layer ? ` / ${adapter.layer}` : ""}
                  </td>
                  <td>{adapter.headType}</td>
                  <td>{adapter.activeVersion ? `v${adapter.activeVersion}` : "—"}</td>
                  <td>
                    <button
                      type="button"
                      class="danger"
                      aria-label={`delete ${adapter.name}`}
                      onClick={(event) =>
                        confirm(
                          `Delete adapter "${adapter.name}" with its samples and versions?`,
                        ) &&
                        keepFocusNear(
                          event.currentTarget,
                          action.run(async () => {
                            await call("DELETE", `/v1/adapters/${path(adapter.id)}`);
                            setAdapters((list) => list?.filter((a) => a.id !== adapter.id) ?? null);
                          }),
                        )
                      }
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <NewAdapter
        backbones={backbones}
        onCreated={(adapter) => {
          setAdapters((list) => [...(list ?? []), adapter]);
          openAt(adapter);
        }}
      />
    </div>
  );
}

function NewAdapter({
  backbones,
  onCreated,
}: {
  backbones: Backbone[];
  onCreated: (adapter: Adapter) => void;
}) {
  const [modality, setModality] = useState<"image" | "text">("image");
  const [name, setName] = useState("");
  const [backbone, setBackbone] = useState("");
  const [layer, setLayer] = useState("");
  const [headType, setHeadType] = useState<string>("logistic");
  // "": one backbone; else the backbone (and layer) whose embedding is set beside the first's.
  const [fuseWith, setFuseWith] = useState("");
  const [fuseLayer, setFuseLayer] = useState("");
  const action = useAction();
  const choices = backbones.filter((b) => b.modality === modality);
  const chosen =
    choices.find((b) => b.id === backbone) ?? choices.find((b) => b.selection.available);
  // A layer the newly chosen backbone does not have falls back to the one adapters start on.
  const chosenLayer = chosen?.layers.find((l) => l.name === layer) ?? startingLayerOf(chosen);
  const firstPart = chosen && chosenLayer ? { backbone: chosen, layer: chosenLayer.name } : null;
  const partners = firstPart ? fusionPartners(backbones, firstPart) : [];
  // A partner the newly chosen backbone or layer can no longer take is dropped, not sent.
  const partner = partners.find((b) => b.id === fuseWith);
  const partnerCut = partner && firstPart ? partnerLayer(partner, firstPart, fuseLayer) : undefined;
  const fusion =
    firstPart && partner && partnerCut
      ? {
          id: fusionId(firstPart, { backbone: partner, layer: partnerCut.name }),
          dim: (chosenLayer?.dim ?? 0) + partnerCut.dim,
        }
      : null;
  // A head type the chosen backbone and layer (or fusion) cannot train falls back to the default one.
  const offeredHeads = fusion ? fusionHeadTypes() : headTypesFor(chosen, chosenLayer?.name ?? null);
  const chosenHead = offeredHeads.includes(headType) ? headType : "logistic";
  const namedLayer =
    chosenLayer && chosenLayer.name !== chosen?.adapterLayer ? { layer: chosenLayer.name } : {};
  // A fusion's id names both parts' layers: the API refuses a separate `layer` beside it.
  const binding = fusion ? { backbone: fusion.id } : { backbone: chosen?.id ?? "", ...namedLayer };
  return (
    <Card title="New adapter">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          action.run(async () => {
            const adapter = await call<Adapter>("POST", "/v1/adapters", {
              json: { name, ...binding, headType: chosenHead },
            });
            onCreated(adapter);
          });
        }}
      >
        <label>
          Name
          <input
            name="adapter-name"
            required
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <fieldset>
          <legend>Modality</legend>
          {(["image", "text"] as const).map((m) => (
            <label key={m} class="inline">
              <input
                type="radio"
                name="modality"
                value={m}
                checked={modality === m}
                onChange={() => {
                  setModality(m);
                  setBackbone("");
                  setLayer("");
                  setHeadType("logistic");
                  setFuseWith("");
                  setFuseLayer("");
                }}
              />
              {m}
            </label>
          ))}
        </fieldset>
        <label>
          Backbone
          <select
            name="backbone"
            value={chosen?.id ?? ""}
            onChange={(e) => {
              const next = e.currentTarget.value;
              setBackbone(next);
              setLayer("");
              // Stays off a head type the previous backbone offered once this one does not.
              const offered = headTypesFor(choices.find((b) => b.id === next));
              if (!offered.includes(headType)) setHeadType("logistic");
            }}
          >
            {choices.map((b) => (
              <option key={b.id} value={b.id} disabled={!b.selection.available}>
                {b.id} · {mib(b.sizeBytes)}
                {b.latency ? ` · ${b.latency.msPerItem.toFixed(1)} ms/item` : ""}
                {b.selection.available ? "" : " · unavailable here"}
              </option>
            ))}
          </select>
        </label>
        {chosen && (
          <p class="hint" data-testid="backbone-info">
            {chosen.description} {chosen.dim}-d, {(chosen.parameters / 1e6).toFixed(1)} M
            parameters, {mib(chosen.sizeBytes)}; latency{" "}
            {chosen.latency ? `${chosen.latency.msPerItem.toFixed(1)} ms/item` : "not measured yet"}
            ;{" "}
            {chosen.selection.available
              ? "available for selection here"
              : `unavailable here: ${chosen.selection.reasons.join("; ")}`}
          </p>
        )}
        {chosen && chosenLayer && (
          <label>
            Layer
            <select
              name="layer"
              value={chosenLayer.name}
              onChange={(e) => {
                const next = e.currentTarget.value;
                setLayer(next);
                if (!headTypesFor(chosen, next).includes(headType)) setHeadType("logistic");
              }}
            >
              {chosen.layers.map((l) => (
                <option key={l.name} value={l.name}>
                  {l.name} · {l.dim}-d{l.name === chosen.adapterLayer ? " (default)" : ""}
                </option>
              ))}
            </select>
            <span class="hint" data-testid="layer-info">
              {chosenLayer.description}
            </span>
          </label>
        )}
        <label>
          Fuse with
          <select
            name="fuse-with"
            value={partner?.id ?? ""}
            aria-describedby="fusion-info"
            onChange={(e) => {
              const next = e.currentTarget.value;
              setFuseWith(next);
              setFuseLayer("");
              // Stays off finetune once fused, as on a backbone that does not offer it.
              if (next && !fusionHeadTypes().includes(headType)) setHeadType("logistic");
            }}
          >
            <option value="">nothing (one {modality} model)</option>
            {partners.map((b) => (
              <option key={b.id} value={b.id}>
                {/* Not "at another layer": the label's text, options included, would read as a "Layer". */}
                {b.id === chosen?.id ? `${b.id} again, cut elsewhere` : b.id} · {mib(b.sizeBytes)}
              </option>
            ))}
          </select>
        </label>
        {firstPart && partner && partnerCut && (
          <label>
            Layer of {partner.id}
            <select
              name="fuse-layer"
              value={partnerCut.name}
              onChange={(e) => setFuseLayer(e.currentTarget.value)}
            >
              {fusableLayers(partner, firstPart).map((l) => (
                <option key={l.name} value={l.name}>
                  {l.name} · {l.dim}-d{l.name === partner.defaultLayer ? " (default)" : ""}
                </option>
              ))}
            </select>
          </label>
        )}
        <p class="hint" id="fusion-info" data-testid="fusion-info">
          {fusion
            ? `Creates an adapter on ${fusion.id}: both embeddings side by side, ${fusion.dim}-d, at the latency of the two together; its versions cannot be exported.`
            : `Optional: a second ${modality} model, or this one cut at another layer, whose embedding is set beside the first's (the API says if the two do not fit together here).`}
        </p>
        <HeadTypeSelect
          name="head-type"
          value={chosenHead}
          headTypes={offeredHeads}
          onChange={setHeadType}
        />
        {!fusion && chosen?.finetune && chosenLayer?.name !== chosen.defaultLayer && (
          <p class="hint" data-testid="finetune-hint">
            A finetune head retrains the top, which ends in layer {chosen.defaultLayer}: choose that
            layer to train one.
          </p>
        )}
        <button type="submit" disabled={action.busy || !chosen}>
          Create adapter
        </button>
        <ErrorBox error={action.error} />
      </form>
    </Card>
  );
}

function startingLayerOf(backbone: Backbone | undefined) {
  return backbone?.layers.find((l) => l.name === backbone.adapterLayer);
}
