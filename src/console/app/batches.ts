/**
 * Splits an upload into requests the API accepts: at most 64 samples, a body under 4 MiB, and at
 * most 262,144 pixels of images per request (README, Limits). Pure, unit-tested in Node. An item
 * over a limit on its own goes alone: the API then refuses it and says why.
 */

export const UPLOAD_LIMITS = {
  samplesPerRequest: 64,
  /** 4 MiB, less room for the multipart framing. */
  bodyBytes: 4 * 2 ** 20 - 64 * 1024,
  pixelsPerRequest: 262_144,
};

export interface Sized {
  bytes: number;
  pixels: number;
}

export function batches<T extends Sized>(items: T[], limits = UPLOAD_LIMITS): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  let pixels = 0;
  for (const item of items) {
    const fits =
      current.length < limits.samplesPerRequest &&
      bytes + item.bytes <= limits.bodyBytes &&
      pixels + item.pixels <= limits.pixelsPerRequest;
    if (!fits && current.length > 0) {
      out.push(current);
      current = [];
      bytes = 0;
      pixels = 0;
    }
    current.push(item);
    bytes += item.bytes;
    pixels += item.pixels;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** A `.jsonl` file, or content whose first line is a JSON object (a CSV text may start with "{"). */
export function isJsonl(content: string, fileName: string): boolean {
  if (/\.jsonl$/i.test(fileName)) return true;
  return isJsonObject(content.trimStart().split(/\r?\n/, 1)[0] ?? "");
}

/** Whether a line is a JSON object: `{…}` that parses. */
function isJsonObject(line: string): boolean {
  if (!line.startsWith("{")) return false;
  try {
    return typeof JSON.parse(line) === "object";
  } catch {
    return false;
  }
}

/** A labelled text, and the line it starts on in its paste or file (1 is the first). */
export interface LabelledRow {
  text: string;
  label: string;
  line: number;
}

/** Rows of labelled texts read from a CSV or JSONL; `header`: a CSV's first row, if it named columns. */
export interface LabelledRows {
  rows: LabelledRow[];
  header: string[] | null;
}

/**
 * `text,label` CSV (a header row is skipped: `isHeaderRow`; quotes as RFC 4180, and a quote inside
 * an unquoted cell kept as written) or JSONL of {text|input, label}, the first line saying which.
 * One format throughout: a JSON object among CSV rows, or a line that is not one among JSONL, is
 * refused, not stored as a text cut at its commas. Errors name the line as the user sees it, blank
 * lines and a header counted. `knownLabels`: the adapter's, which a first row's label that is one
 * of them shows to be a sample.
 */
export function parseLabelledText(
  content: string,
  fileName: string,
  knownLabels: readonly string[] = [],
): LabelledRows {
  if (isJsonl(content, fileName)) {
    const rows = content
      .split(/\r?\n/)
      .map((source, index) => ({ source, line: index + 1 }))
      .filter(({ source }) => source.trim() !== "")
      .map(({ source, line }) => {
        const row = jsonRow(source, line);
        const text = row?.text ?? row?.input;
        if (typeof text !== "string" || typeof row?.label !== "string") {
          throw new Error(`line ${line}: expected {"text": "...", "label": "..."}`);
        }
        return { text, label: row.label, line };
      });
    return { rows, header: null };
  }
  const all = csvRows(content).filter(({ cells }) => cells.some((cell) => cell.trim() !== ""));
  const [first, ...rest] = all;
  const restCells = rest.map(({ cells }) => cells);
  const header = first && isHeaderRow(first.cells, restCells, knownLabels) ? first.cells : null;
  const rows = (header ? rest : all).map(({ cells, line, source }) => {
    if (isJsonObject(source.trim())) {
      throw new Error(
        `line ${line}: a JSON object among CSV rows: one format per paste or file, so write it as text,label (or every row as JSONL)`,
      );
    }
    if (cells.length < 2) throw new Error(`line ${line}: expected text,label`);
    // The label is the last column, so unquoted commas inside the text survive.
    return { text: cells.slice(0, -1).join(","), label: (cells.at(-1) as string).trim(), line };
  });
  return { rows, header };
}

/** Column names a header row of labelled texts commonly has (compared in lower case). */
const TEXT_COLUMNS = new Set(
  "text sentence content message document review body input comment tweet title question utterance query".split(
    " ",
  ),
);
const LABEL_COLUMNS = new Set(
  "label labels class category sentiment target tag topic intent y output".split(" "),
);
const COLUMN_NAME = /^[\p{L}_][\p{L}\p{N}_.-]{0,31}$/u;

/**
 * Whether a CSV's first row names its columns rather than holding a sample. Both cells must look
 * like names (one word each), its label must not be one the adapter has, and then either cell is a
 * common column name (`text,label`, `review,sentiment`), or its label is used by no other row while
 * the other rows repeat theirs (a label of one sample could not train anyway). The console says
 * which row it skipped.
 */
function isHeaderRow(first: string[], rest: string[][], knownLabels: readonly string[]): boolean {
  if (first.length < 2) return false;
  const text = first.slice(0, -1).join(",").trim();
  const label = (first[first.length - 1] ?? "").trim();
  if (!COLUMN_NAME.test(text) || !COLUMN_NAME.test(label) || knownLabels.includes(label)) {
    return false;
  }
  if (TEXT_COLUMNS.has(text.toLowerCase()) || LABEL_COLUMNS.has(label.toLowerCase())) return true;
  const labels = rest.map((row) => (row[row.length - 1] ?? "").trim());
  const repeated = labels.some((l, k) => labels.indexOf(l) !== k);
  return repeated && !labels.includes(label);
}

/**
 * What a refused batch says about its items, by the API's answer:
 * - "item": one of them may be what the API refuses (a 413 body, a 415 file, a 422 other than a
 *   limit): each is sent alone, to say which;
 * - "room": the adapter has no room for all of them (422 limit-exceeded): sent alone, they fill what
 *   is left, and once one alone is refused so, the rest would be too;
 * - "upload": nothing about the items (the adapter gone, busy or switching, too many requests, the
 *   server failing): no item would fare better alone, so the upload stops there.
 */
export function refusalScope({ status, type }: { status: number; type: string }) {
  if (status === 422 && type.endsWith("/limit-exceeded")) return "room";
  return status === 413 || status === 415 || status === 422 ? "item" : "upload";
}

/** A text file's contents; refused, rather than read with U+FFFD for each byte that is not UTF-8. */
export function decodeUtf8(bytes: ArrayBuffer, fileName: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new Error(
      `${fileName} is not UTF-8 text (saved as Latin-1 or Windows-1252, say): save it as UTF-8 and pick it again`,
    );
  }
}

/**
 * The API's detail for an item sent alone (a refused batch is retried item by item), naming the
 * item where the API says "input 0", its position in that one-item request.
 */
export function aloneItemDetail(detail: string, itemName: string): string {
  return detail.replace(/^input 0\b/, JSON.stringify(itemName));
}

/** Rows written back as `parseLabelledText` reads them: JSONL, or CSV lines quoted where needed. */
export function formatLabelledText(
  rows: Pick<LabelledRow, "text" | "label">[],
  jsonl: boolean,
): string {
  const cell = (value: string) =>
    /[",\r\n]/.test(value) || value.trim() !== value || value === ""
      ? `"${value.replaceAll('"', '""')}"`
      : value;
  return rows
    .map(({ text, label }) =>
      jsonl ? JSON.stringify({ text, label }) : `${cell(text)},${cell(label)}`,
    )
    .join("\n");
}

/**
 * One JSONL line as an object, or null; a line that is not JSON at all says which it is, and a
 * CSV row (one not even starting as an object) that the rows are JSONL.
 */
function jsonRow(
  source: string,
  line: number,
): { text?: unknown; input?: unknown; label?: unknown } | null {
  if (!source.trimStart().startsWith("{")) {
    throw new Error(
      `line ${line}: not a JSON object among JSONL rows: one format per paste or file, so write it as {"text": "...", "label": "..."} (or every row as CSV)`,
    );
  }
  try {
    const row: unknown = JSON.parse(source);
    return typeof row === "object" ? row : null;
  } catch (error) {
    throw new Error(`line ${line}: not JSON (${(error as Error).message})`);
  }
}

/** A CSV row's cells, the line it starts on, and its text as written (to tell a JSON line). */
interface CsvRow {
  cells: string[];
  line: number;
  source: string;
}

function csvRows(content: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  /** Nothing of the cell read yet: only there does a quote open a quoted cell. */
  let cellStart = true;
  /** The line being read, and where in `content` and on which line the row began. */
  let line = 1;
  let rowStart = 0;
  let rowLine = 1;
  const endRow = (end: number) => {
    cells.push(cell);
    rows.push({ cells, line: rowLine, source: content.slice(rowStart, end) });
    cells = [];
    cell = "";
    cellStart = true;
  };
  for (let i = 0; i < content.length; i++) {
    const char = content[i] as string;
    if (quoted) {
      if (char === '"' && content[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else {
        // A quoted cell may hold line breaks: the next row's line counts them.
        if (char === "\n" || (char === "\r" && content[i + 1] !== "\n")) line++;
        cell += char;
      }
      continue;
    }
    if (char === '"' && cellStart) quoted = true;
    else if (char === ",") {
      cells.push(cell);
      cell = "";
      cellStart = true;
      continue;
    } else if (char === "\n" || char === "\r") {
      const end = i;
      if (char === "\r" && content[i + 1] === "\n") i++;
      endRow(end);
      line++;
      rowStart = i + 1;
      rowLine = line;
      continue;
    } else cell += char;
    cellStart = false;
  }
  if (cell !== "" || cells.length > 0) endRow(content.length);
  return rows;
}
