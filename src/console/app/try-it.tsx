/** Try the active head: an image or a text in, the label, top-k bars and the version that answered. */

import { useState } from "preact/hooks";
import { call, path } from "./api";
import { Bar } from "./charts";
import { fitPicture } from "./downscale";
import { submitOnCtrlEnter } from "./drafts";
import type { Adapter, Predictions } from "./types";
import { Card, ErrorBox, percent, useAction } from "./ui";

export function TryIt({ adapter, modality }: { adapter: Adapter; modality: "image" | "text" }) {
  const [text, setText] = useState("");
  const [picture, setPicture] = useState<string | null>(null);
  const [answer, setAnswer] = useState<Predictions | null>(null);
  const [scaledFrom, setScaledFrom] = useState<string | null>(null);
  const action = useAction();
  const predictPath = `/v1/adapters/${path(adapter.id)}/predict?topK=5`;
  const predictImage = (picked: File) =>
    action.run(async () => {
      if (picture) URL.revokeObjectURL(picture);
      // The last answer goes with its input: one the API refuses leaves no stale result beside it.
      setAnswer(null);
      setScaledFrom(null);
      setPicture(URL.createObjectURL(picked));
      // A photo over the API's limits is scaled down here, as the backbone would anyway.
      const { file, scaledFrom: size } = await fitPicture(picked);
      const form = new FormData();
      form.append("inputs", file, file.name);
      setAnswer(await call<Predictions>("POST", predictPath, { form }));
      setScaledFrom(size && `scaled down from ${size.width}×${size.height} before sending`);
    });
  const prediction = answer?.predictions[0];
  return (
    <Card title="Try it">
      {modality === "image" ? (
        <label
          class="file"
          onDragOver={(e) => e.preventDefault()}
          onDrop={(e) => {
            e.preventDefault();
            const file = e.dataTransfer?.files[0];
            if (file) predictImage(file);
          }}
        >
          Drop an image here, or pick one
          <input
            type="file"
            name="try-image"
            accept="image/png,image/jpeg"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              // Forgotten, so that the same picture can be tried again (after a rollback, say).
              e.currentTarget.value = "";
              if (file) predictImage(file);
            }}
          />
        </label>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            action.run(async () => {
              setAnswer(null);
              setAnswer(await call<Predictions>("POST", predictPath, { json: { inputs: [text] } }));
            });
          }}
        >
          <label>
            Text
            <textarea
              name="try-text"
              rows={3}
              value={text}
              onInput={(e) => setText(e.currentTarget.value)}
              onKeyDown={submitOnCtrlEnter}
              aria-keyshortcuts="Control+Enter"
            />
          </label>
          <button type="submit" disabled={action.busy || text.trim() === ""}>
            Predict
          </button>
        </form>
      )}
      <ErrorBox error={action.error} />
      {prediction && answer && (
        <div class="prediction" data-testid="prediction" aria-live="polite">
          {picture && modality === "image" && (
            <img src={picture} alt="what was tried" class="preview" />
          )}
          <p>
            <span
              class={prediction.abstained ? "label unknown" : "label"}
              data-testid="predicted-label"
            >
              {prediction.label}
            </span>
            {prediction.abstained && " (the head abstained: no label is confident enough)"}
          </p>
          <p class="hint" data-testid="answered-by">
            answered by version {answer.version}
          </p>
          {scaledFrom && (
            <p class="hint" data-testid="scaled-from">
              {scaledFrom}
            </p>
          )}
          <ul class="topk">
            {prediction.topK.map((entry) => (
              <li key={entry.label}>
                <span>{entry.label}</span>
                <Bar value={entry.probability} label={percent(entry.probability)} />
              </li>
            ))}
          </ul>
        </div>
      )}
    </Card>
  );
}
