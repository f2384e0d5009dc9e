/** Try the active head: an image or a text in, the label, top-k bars and the version that answered. */

import { useRef, useState } from "preact/hooks";
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
  /** The picture's file name, said with its answer. */
  const [tried, setTried] = useState<string | null>(null);
  const action = useAction();
  const predictPath = `/v1/adapters/${path(adapter.id)}/predict?topK=5`;
  // Only the last input tried shows its answer: a large photo scaled down first may be answered
  // after a smaller one picked just after it.
  const latest = useRef(0);
  const predict = (send: (isLatest: () => boolean) => Promise<void>) => {
    const attempt = ++latest.current;
    const isLatest = () => attempt === latest.current;
    return action.run(async () => {
      try {
        await send(isLatest);
      } catch (error) {
        if (isLatest()) throw error;
      }
    });
  };
  const predictImage = (picked: File) =>
    predict(async (isLatest) => {
      if (picture) URL.revokeObjectURL(picture);
      // The last answer goes with its input: one the API refuses leaves no stale result beside it.
      setAnswer(null);
      setScaledFrom(null);
      setTried(picked.name);
      setPicture(URL.createObjectURL(picked));
      // A photo over the API's limits is scaled down here, as the backbone would anyway.
      const { file, scaledFrom: size } = await fitPicture(picked);
      const form = new FormData();
      form.append("inputs", file, file.name);
      const answered = await call<Predictions>("POST", predictPath, { form });
      if (!isLatest()) return;
      setAnswer(answered);
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
            predict(async (isLatest) => {
              setAnswer(null);
              const answered = await call<Predictions>("POST", predictPath, {
                json: { inputs: [text] },
              });
              if (isLatest()) setAnswer(answered);
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
            <img src={picture} alt={`what was tried: ${tried}`} class="preview" />
          )}
          {tried && modality === "image" && (
            <p class="hint" data-testid="tried-file">
              {tried}
            </p>
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
