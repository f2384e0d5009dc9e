/**
 * The README's table of problem types names every type the code can answer with, so a client can
 * branch on all of them: the `Problem`s thrown in src/, and the domain errors src/errors.ts maps.
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url).pathname;
const read = (path: string) => readFileSync(join(root, path), "utf8");

/**
 * Raised only on embeddings, heads and labels the service made or checked itself: no request can
 * cause them.
 */
const INTERNAL = [
  "non-finite-feature",
  "ragged-rows",
  "wrong-dimension",
  "backbone-mismatch",
  "corrupt-head",
  // The protocol's own label checks: every stored label passed the upload's (invalid-request).
  "empty-label",
  "label-too-long",
  "reserved-label",
];

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length));
}

/** The string literals of a union type `type Name = | "a" | "b";` in a file. */
function unionMembers(path: string, name: string): string[] {
  const declaration = new RegExp(`type ${name} =([^;]*);`).exec(read(path))?.[1] ?? "";
  return [...declaration.matchAll(/"([a-z-]+)"/g)].map((match) => match[1] as string);
}

function answeredTypes(): Set<string> {
  const thrown = sourceFiles("src").flatMap((path) =>
    [...read(path).matchAll(/new Problem\(\s*\d+,\s*"([a-z0-9-]+)"/g)].map((m) => m[1] as string),
  );
  const mapped = [...read("src/errors.ts").matchAll(/(?:slug: |\d+: )"([a-z-]+)"/g)].map(
    (m) => m[1] as string,
  );
  return new Set([
    ...thrown,
    ...mapped,
    ...unionMembers("adapters/errors.ts", "HeadInputErrorCode"),
    ...unionMembers("models/input-error.ts", "InputErrorCode"),
  ]);
}

function documentedTypes(): Set<string> {
  const readme = read("README.md");
  const table = readme.slice(readme.indexOf("| status | types |"));
  const rows = table.slice(0, table.indexOf("\n\n"));
  return new Set([...rows.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1] as string));
}

describe("the README's problem types", () => {
  it("list every type the API answers with", () => {
    const answered = answeredTypes();
    expect(answered.size).toBeGreaterThan(40);
    const missing = [...answered].filter(
      (type) => !documentedTypes().has(type) && !INTERNAL.includes(type),
    );
    expect(missing).toEqual([]);
  });
});
