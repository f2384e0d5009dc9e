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

export const isJsonl = (content: string, fileName: string) =>
  /\.jsonl$/i.test(fileName) || content.trimStart().startsWith("{");

/** `text,label` CSV (a header row is skipped; quotes as RFC 4180) or JSONL of {text|input, label}. */
export function parseLabelledText(
  content: string,
  fileName: string,
): { text: string; label: string }[] {
  if (isJsonl(content, fileName)) {
    return content
      .split(/\r?\n/)
      .filter((line) => line.trim() !== "")
      .map((line, index) => {
        const row = jsonRow(line, index);
        const text = row?.text ?? row?.input;
        if (typeof text !== "string" || typeof row?.label !== "string") {
          throw new Error(`line ${index + 1}: expected {"text": "...", "label": "..."}`);
        }
        return { text, label: row.label };
      });
  }
  const rows = csvRows(content);
  const header = rows[0]?.map((cell) => cell.trim().toLowerCase());
  const body = header?.[0] === "text" && header[1] === "label" ? rows.slice(1) : rows;
  return body
    .filter((row) => row.some((cell) => cell.trim() !== ""))
    .map((row, index) => {
      if (row.length < 2) throw new Error(`row ${index + 1}: expected text,label`);
      // The label is the last column, so unquoted commas inside the text survive.
      return { text: row.slice(0, -1).join(","), label: (row[row.length - 1] as string).trim() };
    });
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
  rows: { text: string; label: string }[],
  jsonl: boolean,
): string {
  const cell = (value: string) =>
    /[",\r\n]/.test(value) || value.trim() !== value || value === ""
      ? `"${value.replaceAll('"', '""')}"`
      : value;
  return rows
    .map((row) => (jsonl ? JSON.stringify(row) : `${cell(row.text)},${cell(row.label)}`))
    .join("\n");
}

/** One JSONL line as an object, or null; a line that is not JSON at all says which it is. */
function jsonRow(
  line: string,
  index: number,
): { text?: unknown; input?: unknown; label?: unknown } | null {
  try {
    const row: unknown = JSON.parse(line);
    return typeof row === "object" ? row : null;
  } catch (error) {
    throw new Error(`line ${index + 1}: not JSON (${(error as Error).message})`);
  }
}

function csvRows(content: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < content.length; i++) {
    const char = content[i] as string;
    if (quoted) {
      if (char === '"' && content[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(cell);
      cell = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && content[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += char;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
