/**
 * Samples: images dropped or picked into a label's box (thumbnails, per-label counts), or text
 * pasted per label or uploaded as CSV/JSONL. Uploads go in batches under the API's per-request
 * limits with a progress bar; each file's outcome (added, duplicate, refused with the API's detail)
 * is listed. The adapter's samples are listed from the API by content hash (./known-samples.ts), so
 * each label box and the report can show them.
 */

import { useEffect, useId, useRef, useState } from "preact/hooks";
import { LIMITS as PROTOCOL_LIMITS } from "../../../adapters/limits";
import { textFieldProblems } from "../../text-characters";
import { ApiError, call, NetworkError, path } from "./api";
import {
  aloneItemDetail,
  batches,
  decodeUtf8,
  formatLabelledText,
  isJsonl,
  type LabelledRow,
  parseLabelledText,
  refusalScope,
} from "./batches";
import { fitPicture } from "./downscale";
import { submitOnCtrlEnter, useDraft, useDraftList } from "./drafts";
import { type KnownSample, knownSamples, loadKnownSamples, sha256Hex } from "./known-samples";
import { movedIndex } from "./roving-focus";
import { SamplePreview } from "./sample-preview";
import type { SampleCounts, UploadResult } from "./types";
import { Card, ErrorBox, keepFocusNear, plural, useAction } from "./ui";

/** Training needs at least this many distinct samples per label, and two labels (README, Limits). */
export const MIN_PER_LABEL = PROTOCOL_LIMITS.minSamplesPerClass;

/**
 * Previews per label box, and per "show more": each may fetch its raw upload, so a large label
 * shows the first ones until asked for more.
 */
const SHOWN_PER_LABEL = 48;

interface Item {
  name: string;
  label: string;
  bytes: number;
  pixels: number;
  file?: File;
  text?: string;
  /** What the console did to it before sending (a picture scaled down). */
  note?: string;
}

interface Outcome {
  name: string;
  label: string;
  status: "added" | "duplicate" | "refused";
  detail?: string;
  id?: string;
}

export function Samples({
  adapterId,
  modality,
  counts,
  onCounts,
}: {
  adapterId: string;
  modality: "image" | "text";
  counts: SampleCounts | null;
  onCounts: (counts: SampleCounts) => void;
}) {
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const [progress, setProgress] = useState<{
    done: number;
    total: number;
    /** A refused batch's items are sent one at a time, to find which the API refuses. */
    oneByOne: boolean;
  } | null>(null);
  const [newLabel, setNewLabel] = useState("");
  /** Why the label typed cannot be added: the API's own rule for labels (text-characters.ts). */
  const [labelProblem, setLabelProblem] = useState<string | null>(null);
  /** A CSV's first row read as column names, which was not sent: said, so that it is not a surprise. */
  const [skippedHeader, setSkippedHeader] = useState<string[] | null>(null);
  // Labels added here, which the API knows once they have samples: kept until deleted.
  const [addedLabels, setAddedLabels] = useDraftList(`${adapterId}:labels`);
  const action = useAction();
  const samplesPath = `/v1/adapters/${path(adapterId)}/samples`;
  const refreshCounts = async () => onCounts(await call<SampleCounts>("GET", samplesPath));
  const known = knownSamples(adapterId);

  useEffect(() => {
    action.run(async () => onCounts(await loadKnownSamples(adapterId)));
  }, [adapterId]);

  // None until listed: an added label's box would say it has no samples, which it may have.
  const labels =
    counts === null ? [] : [...new Set([...counts.labels.map((l) => l.label), ...addedLabels])];
  const countOf = (label: string) => counts?.labels.find((l) => l.label === label)?.count ?? 0;

  // Uploads started while others are in flight (two drops in a row) wait their turn and join
  // them: one progress bar and one list of outcomes, until every one of them is done.
  const uploads = useRef({
    queue: Promise.resolve(),
    inFlight: 0,
    done: 0,
    total: 0,
    oneByOne: false,
  });
  const showProgress = () => {
    const { done, total, oneByOne } = uploads.current;
    setProgress({ done, total, oneByOne });
  };
  /**
   * This upload's outcomes, in the items' order; null if some item has none (the key refused, say).
   * An upload stopped short lists what was stored, and what to send again.
   */
  const upload = (items: Item[]): Promise<Outcome[] | null> => {
    const run = uploads.current;
    const told: Outcome[] = [];
    if (run.inFlight === 0) {
      run.done = 0;
      run.total = 0;
      setOutcomes([]);
    }
    run.inFlight += 1;
    run.total += items.length;
    showProgress();
    // Each outcome is shown once known: a refused batch's items go one request each. The bar
    // counts those the API answered, not those an upload stopped short did not send.
    const settled = (outcomes: Outcome[], answered = true) => {
      told.push(...outcomes);
      if (answered) run.done += outcomes.length;
      showProgress();
      setOutcomes((shown) => [...shown, ...outcomes]);
    };
    run.queue = run.queue.then(() =>
      action
        .run(async () => {
          try {
            for (const group of batches(items)) {
              await uploadGroup(group, settled);
              await refreshCounts();
            }
          } catch (error) {
            // The server gone between two requests (a restart): the next is not sent.
            const stop = error instanceof NetworkError ? new UploadStopped(error, 0) : error;
            if (!(stop instanceof UploadStopped)) throw error;
            // Items are settled in order: the ones after the last settled have no answer.
            const rest = items.slice(told.length);
            settled(
              rest.map((item, k) => notTaken(item, stop.reason, k < stop.unanswered)),
              false,
            );
            await refreshCounts();
            // Said above the outcomes, as any call that gets no answer is.
            if (stop.reason instanceof NetworkError) throw stop.reason;
          }
        })
        .finally(() => {
          run.inFlight -= 1;
        }),
    );
    return run.queue.then(() => (told.length === items.length ? told : null));
  };

  /**
   * One request; if the API refuses the batch for one of its items, or for lack of room, each item
   * alone, to say which it refused or to fill the room left. That takes a request per item
   * (seconds, for a batch of texts to embed): the progress says so. A refusal no item alone would
   * escape (batches.ts: refusalScope) stops the upload: UploadStopped.
   */
  async function uploadGroup(group: Item[], settled: (outcomes: Outcome[]) => void) {
    try {
      settled(await sendBatch(group));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 401) throw error;
      const scope = refusalScope(error);
      if (scope === "upload") throw new UploadStopped(error);
      if (group.length === 1) {
        settled([refusedAlone(group[0] as Item, error)]);
        if (scope === "room") throw new UploadStopped(error);
        return;
      }
      uploads.current.oneByOne = true;
      showProgress();
      try {
        for (const item of group) await uploadGroup([item], settled);
      } finally {
        uploads.current.oneByOne = false;
        showProgress();
      }
    }
  }

  async function sendBatch(group: Item[]): Promise<Outcome[]> {
    let result: UploadResult;
    try {
      result = await call<UploadResult>("POST", samplesPath, requestBody(group));
    } catch (error) {
      // Sent, and no answer: the server may have stored them or not.
      if (error instanceof NetworkError) throw new UploadStopped(error, group.length);
      throw error;
    }
    await Promise.all(
      group.map(async (item, k) => {
        const sample = result.samples[k];
        if (sample) known.set(await hashOf(item), preview(item, sample));
      }),
    );
    return group.map((item, k) => {
      const sample = result.samples[k];
      return {
        name: item.name,
        label: item.label,
        status: sample?.status ?? "refused",
        id: sample?.id,
        detail: [item.note, storedElsewhere(item, sample)].filter(Boolean).join("; ") || undefined,
      };
    });
  }

  const addImages = async (label: string, files: FileList | File[]) => {
    const items = await Promise.all([...files].map((file) => imageItem(file, label)));
    await upload(items);
  };

  const deleteLabel = (label: string, control: HTMLElement) =>
    confirm(`Delete every sample labelled "${label}"?`) &&
    keepFocusNear(
      control,
      action.run(async () => {
        // A label added here with no sample yet exists only in this tab: nothing to ask the API.
        if (countOf(label) > 0) {
          await call("DELETE", `${samplesPath}?label=${encodeURIComponent(label)}`);
        }
        known.forgetLabel(label);
        setAddedLabels((list) => list.filter((l) => l !== label));
        await refreshCounts();
      }),
    );

  const deleteSample = (sample: KnownSample, control: HTMLElement) =>
    keepFocusNear(
      control,
      action.run(async () => {
        try {
          await call("DELETE", `${samplesPath}/${path(sample.id)}`);
        } catch (error) {
          // Deleted already (another tab, the API): what was asked is done.
          if (!(error instanceof ApiError && error.type === "/problems/sample-not-found")) {
            throw error;
          }
        }
        known.forget(sample.id);
        await refreshCounts();
      }),
    );

  const few = labels.filter((label) => countOf(label) < MIN_PER_LABEL);
  return (
    <Card title="Samples">
      {/* Until listed, nothing is said about the samples: not "0", not "too few". */}
      {counts === null ? (
        !action.error && <p role="status">Listing the samples…</p>
      ) : (
        <p data-testid="sample-total">
          {plural(counts.total, "sample")} in {plural(counts.labels.length, "label")}.
        </p>
      )}
      {counts !== null && (few.length > 0 || labels.length < 2) && (
        <p class="notice" role="status" data-testid="few-samples">
          Training needs at least 2 labels with {MIN_PER_LABEL} distinct samples each
          {few.length > 0 ? `; too few in: ${few.join(", ")}` : ""}.
        </p>
      )}
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          const label = newLabel.trim().normalize("NFC");
          const problems = textFieldProblems(label, PROTOCOL_LIMITS.maxLabelLength);
          setLabelProblem(problems.length > 0 ? `The label ${problems.join("; ")}.` : null);
          if (problems.length > 0) return;
          if (label && !labels.includes(label)) setAddedLabels((list) => [...list, label]);
          setNewLabel("");
        }}
      >
        <label>
          New label
          <input
            name="new-label"
            maxLength={PROTOCOL_LIMITS.maxLabelLength}
            value={newLabel}
            onInput={(e) => {
              setNewLabel(e.currentTarget.value);
              setLabelProblem(null);
            }}
          />
        </label>
        <button type="submit">Add label</button>
      </form>
      {labelProblem && (
        <p class="error" role="alert" data-testid="label-problem">
          {labelProblem}
        </p>
      )}
      <div class="labels">
        {labels.map((label) => (
          <LabelBox
            key={label}
            adapterId={adapterId}
            label={label}
            count={countOf(label)}
            modality={modality}
            samples={known.ofLabel(label)}
            onImages={(files) => addImages(label, files)}
            onTexts={(texts) =>
              upload(texts.map(({ text, line }) => textItem(text, label, `${label} line ${line}`)))
            }
            onDeleteLabel={(control) => deleteLabel(label, control)}
            onDeleteSample={deleteSample}
          />
        ))}
      </div>
      {modality === "text" && (
        <PasteRows
          adapterId={adapterId}
          knownLabels={labels}
          onHeader={setSkippedHeader}
          onRows={(rows) =>
            upload(rows.map((row) => textItem(row.text, row.label, `line ${row.line}`)))
          }
          onError={action.setError}
        />
      )}
      {modality === "text" && (
        <label class="file">
          Upload a CSV (text,label) or JSONL ({"{"}"text", "label"{"}"}) file
          <input
            type="file"
            name="text-file"
            accept=".csv,.jsonl,.txt,text/csv,application/json"
            onChange={async (e) => {
              const file = e.currentTarget.files?.[0];
              // Forgotten, so that picking the same file again (corrected, or once more) uploads it.
              e.currentTarget.value = "";
              if (!file) return;
              try {
                const { rows, header } = parseLabelledText(
                  decodeUtf8(await file.arrayBuffer(), file.name),
                  file.name,
                  labels,
                );
                setSkippedHeader(header);
                await upload(
                  rows.map((row) => textItem(row.text, row.label, `${file.name} line ${row.line}`)),
                );
              } catch (error) {
                action.setError(error);
              }
            }}
          />
        </label>
      )}
      {progress && (
        <div class="job">
          <progress max={progress.total} value={progress.done} aria-label="upload progress" />
          {/* Announced as it moves, as a job's progress is. */}
          <span data-testid="upload-progress" role="status">
            uploaded {progress.done} of {progress.total}
            {progress.oneByOne &&
              " — the API refused a batch: sending its items one at a time, to find which"}
          </span>
        </div>
      )}
      <ErrorBox error={action.error} />
      {skippedHeader && (
        <p class="hint" role="status" data-testid="skipped-header">
          The first row, “{skippedHeader.join(",")}”, was read as column names and not uploaded.
        </p>
      )}
      {outcomes.length > 0 && (
        <div class="table-scroll">
          <table data-testid="upload-outcomes">
            <thead>
              <tr>
                <th>file</th>
                <th>label</th>
                <th>outcome</th>
              </tr>
            </thead>
            <tbody>
              {outcomes.map((o, k) => (
                <tr key={`${o.name}-${k}`} class={o.status}>
                  <td>{o.name}</td>
                  <td>{o.label}</td>
                  <td>
                    {o.status}
                    {o.detail && <span class="detail"> — {o.detail}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

/** Pasted CSV (text,label) or JSONL rows, for any labels at once. */
function PasteRows({
  adapterId,
  knownLabels,
  onHeader,
  onRows,
  onError,
}: {
  adapterId: string;
  knownLabels: string[];
  /** The first row, when it was read as column names and not sent. */
  onHeader: (header: string[] | null) => void;
  onRows: (rows: LabelledRow[]) => Promise<Outcome[] | null>;
  onError: (error: unknown) => void;
}) {
  const [content, setContent] = useDraft(`${adapterId}:rows`);
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        let rows: LabelledRow[];
        try {
          const parsed = parseLabelledText(content, "pasted.csv", knownLabels);
          rows = parsed.rows;
          onHeader(parsed.header);
        } catch (error) {
          onError(error);
          return;
        }
        // What the API did not take stays, to correct and send again; all of it if some row got
        // no outcome (the key refused, say).
        const outcomes = await onRows(rows);
        if (outcomes === null) return;
        const refused = rows.filter((_, k) => outcomes[k]?.status === "refused");
        setContent(formatLabelledText(refused, isJsonl(content, "pasted.csv")));
      }}
    >
      <label>
        Paste CSV rows (text,label) or JSONL
        <textarea
          name="paste-rows"
          rows={5}
          value={content}
          onInput={(e) => setContent(e.currentTarget.value)}
          onKeyDown={submitOnCtrlEnter}
          aria-keyshortcuts="Control+Enter"
        />
      </label>
      <button type="submit" disabled={content.trim() === ""}>
        Add rows
      </button>
    </form>
  );
}

function LabelBox({
  adapterId,
  label,
  count,
  modality,
  samples,
  onImages,
  onTexts,
  onDeleteLabel,
  onDeleteSample,
}: {
  adapterId: string;
  label: string;
  count: number;
  modality: "image" | "text";
  samples: KnownSample[];
  onImages: (files: File[]) => void;
  /** The box's texts, each with its line in the box (blank lines counted). */
  onTexts: (texts: { text: string; line: number }[]) => Promise<Outcome[] | null>;
  /** `control`: the button that asked, which the deletion takes away. */
  onDeleteLabel: (control: HTMLElement) => void;
  onDeleteSample: (sample: KnownSample, control: HTMLElement) => void;
}) {
  const [over, setOver] = useState(false);
  const [text, setText] = useDraft(`${adapterId}:label:${label}`);
  const [limit, setLimit] = useState(SHOWN_PER_LABEL);
  const shown = samples.slice(0, limit);
  const list = useRef<HTMLUListElement>(null);
  // "Show more" that shows the last ones is gone: the focus goes to the list, not to the page, nor
  // to a delete button that a second Enter would press.
  const focusList = useRef(false);
  useEffect(() => {
    if (!focusList.current) return;
    list.current?.focus();
    focusList.current = false;
  });
  const [stop, setTabStop] = useState(0);
  const tabStop = Math.min(stop, shown.length - 1);
  // Unique whatever the label's characters ("猫" and "犬" once both became "label-_").
  const id = useId();
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a drop zone for the mouse; the file input inside serves the keyboard.
    <div
      class={over ? "label-box over" : "label-box"}
      data-label={label}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (e.dataTransfer?.files.length) onImages([...e.dataTransfer.files]);
      }}
    >
      <div class="row spread">
        <h3 id={id}>
          {label}{" "}
          <span class="count" data-testid={`count-${label}`}>
            {count}
          </span>
        </h3>
        <button
          type="button"
          class="danger small"
          onClick={(event) => onDeleteLabel(event.currentTarget)}
          aria-label={`delete label ${label}`}
        >
          Delete label
        </button>
      </div>
      {count === 0 && (
        <p class="hint" data-testid={`empty-${label}`}>
          No samples yet: until it has one, this label is kept in this tab only.
        </p>
      )}
      {modality === "image" ? (
        <label class="file">
          Drop images here, or pick files
          <input
            type="file"
            multiple
            accept="image/png,image/jpeg"
            aria-describedby={id}
            onChange={(e) => {
              const files = e.currentTarget.files;
              if (files?.length) onImages([...files]);
              e.currentTarget.value = "";
            }}
          />
        </label>
      ) : (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            const lines = text
              .split(/\r?\n/)
              .map((line, k) => ({ text: line, line: k + 1 }))
              .filter((line) => line.text.trim() !== "");
            if (lines.length === 0) return;
            const outcomes = await onTexts(lines);
            // What the API did not take stays, to correct and send again; all of it if some line got
            // no outcome (the key refused, say).
            setText(
              outcomes === null
                ? text
                : lines
                    .filter((_, k) => outcomes[k]?.status === "refused")
                    .map((line) => line.text)
                    .join("\n"),
            );
          }}
        >
          <label>
            Paste texts for {label}, one per line
            <textarea
              rows={3}
              value={text}
              onInput={(e) => setText(e.currentTarget.value)}
              onKeyDown={submitOnCtrlEnter}
              aria-keyshortcuts="Control+Enter"
            />
          </label>
          <button type="submit">Add texts</button>
        </form>
      )}
      {/* One tab stop for the label's delete buttons; the arrows, Home and End move among them. */}
      <ul
        ref={list}
        tabIndex={-1}
        class="thumbs"
        aria-label={`${label} samples`}
        onKeyDown={(event) => {
          const to = movedIndex(tabStop, shown.length, event.key, { axis: "both", wrap: false });
          if (to === null) return;
          event.preventDefault();
          setTabStop(to);
          event.currentTarget.querySelectorAll<HTMLElement>("button.delete-sample")[to]?.focus();
        }}
      >
        {shown.map((sample, k) => (
          <li key={sample.id}>
            <SamplePreview adapterId={adapterId} sample={sample} fallback={sample.id} />
            <button
              type="button"
              class="small delete-sample"
              tabindex={k === tabStop ? 0 : -1}
              onFocus={() => setTabStop(k)}
              // Said by label and place (and name, once known), not by an id nobody reads.
              aria-label={`delete ${label} sample ${k + 1}${sample.name ? `: ${sample.name}` : ""}`}
              onClick={(event) => onDeleteSample(sample, event.currentTarget)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {samples.length > limit && (
        <button
          type="button"
          class="link"
          onClick={() => {
            focusList.current = limit + SHOWN_PER_LABEL >= samples.length;
            setLimit(limit + SHOWN_PER_LABEL);
          }}
        >
          show {Math.min(SHOWN_PER_LABEL, samples.length - limit)} more of {samples.length - limit}{" "}
          not shown
        </button>
      )}
    </div>
  );
}

/**
 * The upload stops: the API refused something no item alone would escape, or the server did not
 * answer. `unanswered`: how many of the items left were in the request that got no answer.
 */
class UploadStopped extends Error {
  constructor(
    readonly reason: ApiError | NetworkError,
    readonly unanswered = 0,
  ) {
    super(reason.message);
  }
}

/** An item the upload stopped short of: sent with no answer, or not sent. */
function notTaken(item: Item, reason: ApiError | NetworkError, unanswered: boolean): Outcome {
  const why = reason instanceof ApiError ? `${reason.title}: ${reason.detail}` : "no answer";
  return {
    name: item.name,
    label: item.label,
    status: "refused",
    detail: unanswered
      ? "sent, no answer: perhaps not stored, send it again (if it was, it is listed as a duplicate)"
      : `not sent: ${why}`,
  };
}

/** An item the API refused when sent alone, with its problem, naming the item. */
function refusedAlone(item: Item, error: ApiError): Outcome {
  return {
    name: item.name,
    label: item.label,
    status: "refused",
    detail: `${error.title}: ${aloneItemDetail(error.detail, item.name)}`,
  };
}

async function imageItem(picked: File, label: string): Promise<Item> {
  const { file, pixels, scaledFrom } = await fitPicture(picked);
  const note = scaledFrom ? `scaled down from ${scaledFrom.width}×${scaledFrom.height}` : undefined;
  return { name: file.name, label, bytes: file.size, pixels, file, note };
}

function textItem(text: string, label: string, name: string): Item {
  return { name, label, bytes: new TextEncoder().encode(text).byteLength + 64, pixels: 0, text };
}

function requestBody(group: Item[]) {
  if (group[0]?.file) {
    const form = new FormData();
    for (const item of group) {
      form.append("inputs", item.file as File, item.name);
      form.append("labels", item.label);
    }
    return { form };
  }
  return { json: { samples: group.map((item) => ({ input: item.text, label: item.label })) } };
}

async function hashOf(item: Item): Promise<string> {
  return sha256Hex(item.file ? await item.file.arrayBuffer() : new TextEncoder().encode(item.text));
}

/** What an outcome says of a duplicate stored under another label than the one it was sent with. */
function storedElsewhere(item: Item, sample: UploadResult["samples"][number] | undefined) {
  return sample?.label !== undefined && sample.label !== item.label
    ? `already stored as “${sample.label}” (its label is kept)`
    : undefined;
}

/** A duplicate keeps the label it was first stored under, so its preview goes to that box. */
function preview(item: Item, sample: UploadResult["samples"][number]): KnownSample {
  return {
    id: sample.id,
    label: sample.label ?? item.label,
    retained: true,
    name: item.text ?? item.name,
    thumbnail: item.file ? URL.createObjectURL(item.file) : null,
  };
}
