/**
 * Generators of bad requests for every route (fast-check), by family: bad credentials, ids that are
 * built-in object properties or very long or odd Unicode, malformed and mistyped bodies, over-limit
 * and streamed bodies, wrong content types, garbled multipart and base64 images, wrong methods and
 * bad queries. Every case is built to be refused, so the properties are: no 5xx, every refusal a
 * complete problem document, and afterwards the deployment exactly as before. Bodies are refused
 * before a backbone embeds anything.
 */

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { bindings, fetchWorker } from "../tenants/client";
import { buildWorld, expectProblem, type World, worldState } from "./world";

/** The world the generated cases name ids of (set by `describeBadInput`'s beforeAll). */
let world: World;

/** One generated request, and a name that says what it tried. */
interface Case {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: BodyInit | (() => BodyInit);
}

type Credential = "admin" | "tenant" | "none";
type BodyKind = "json" | "optional-json" | "upload" | "none";

interface Route {
  method: string;
  /** With `{t}` tenant, `{k}` key, `{a}` adapter, `{s}` sample, `{j}` job and `{v}` version ids. */
  path: string;
  credential: Credential;
  body: BodyKind;
  /** A body the route would accept (so that only the attacked part makes a case bad). */
  valid?: unknown;
}

const ROUTES: Route[] = [
  { method: "GET", path: "/healthz", credential: "none", body: "none" },
  { method: "GET", path: "/openapi.json", credential: "none", body: "none" },
  { method: "GET", path: "/docs", credential: "none", body: "none" },
  { method: "GET", path: "/v1/backbones", credential: "none", body: "none" },
  {
    method: "POST",
    path: "/v1/embed",
    credential: "none",
    body: "upload",
    valid: { backbone: "lexical", inputs: ["a kitten"] },
  },
  { method: "POST", path: "/v1/tenants", credential: "admin", body: "json", valid: { name: "x" } },
  { method: "GET", path: "/v1/tenants", credential: "admin", body: "none" },
  { method: "GET", path: "/v1/tenants/{t}", credential: "admin", body: "none" },
  { method: "DELETE", path: "/v1/tenants/{t}", credential: "admin", body: "none" },
  { method: "POST", path: "/v1/tenants/{t}/keys", credential: "admin", body: "none" },
  { method: "GET", path: "/v1/tenants/{t}/keys", credential: "admin", body: "none" },
  { method: "DELETE", path: "/v1/tenants/{t}/keys/{k}", credential: "admin", body: "none" },
  { method: "GET", path: "/v1/tenant", credential: "tenant", body: "none" },
  {
    method: "PATCH",
    path: "/v1/tenant",
    credential: "tenant",
    body: "json",
    valid: { retainRawSamples: false },
  },
  {
    method: "POST",
    path: "/v1/adapters",
    credential: "tenant",
    body: "json",
    valid: { name: "x", backbone: "lexical" },
  },
  { method: "GET", path: "/v1/adapters", credential: "tenant", body: "none" },
  { method: "GET", path: "/v1/adapters/{a}", credential: "tenant", body: "none" },
  { method: "DELETE", path: "/v1/adapters/{a}", credential: "tenant", body: "none" },
  {
    method: "POST",
    path: "/v1/adapters/{a}/samples",
    credential: "tenant",
    body: "upload",
    valid: { samples: [{ input: "a new sentence", label: "weather" }] },
  },
  { method: "GET", path: "/v1/adapters/{a}/samples", credential: "tenant", body: "none" },
  { method: "DELETE", path: "/v1/adapters/{a}/samples/{s}", credential: "tenant", body: "none" },
  {
    method: "POST",
    path: "/v1/adapters/{a}/train",
    credential: "tenant",
    body: "optional-json",
    valid: {},
  },
  { method: "GET", path: "/v1/adapters/{a}/jobs", credential: "tenant", body: "none" },
  { method: "GET", path: "/v1/jobs/{j}", credential: "tenant", body: "none" },
  { method: "GET", path: "/v1/jobs/{j}/events", credential: "tenant", body: "none" },
  { method: "GET", path: "/v1/adapters/{a}/versions", credential: "tenant", body: "none" },
  { method: "GET", path: "/v1/adapters/{a}/versions/{v}", credential: "tenant", body: "none" },
  {
    method: "GET",
    path: "/v1/adapters/{a}/versions/{v}/export?format=json",
    credential: "tenant",
    body: "none",
  },
  {
    method: "POST",
    path: "/v1/adapters/{a}/versions/{v}/activate",
    credential: "tenant",
    body: "none",
  },
  {
    method: "POST",
    path: "/v1/adapters/{a}/predict",
    credential: "tenant",
    body: "upload",
    valid: { inputs: ["sunny"] },
  },
  {
    method: "POST",
    path: "/v1/adapters/{a}/select",
    credential: "tenant",
    body: "optional-json",
    valid: {},
  },
  {
    method: "POST",
    path: "/v1/adapters/{a}/select/apply",
    credential: "tenant",
    body: "optional-json",
    valid: { backbone: "lexical" },
  },
];

const guarded = ROUTES.filter((route) => route.credential !== "none");
const withIds = ROUTES.filter((route) => route.path.includes("{"));
const withBodies = ROUTES.filter((route) => route.body !== "none");

/** Real ids of Alice's, so that a case is refused only for what it attacks. */
function realIds(): Record<string, string> {
  return {
    t: world.alice.id,
    k: world.alice.keyId,
    a: world.alice.adapterId,
    s: world.alice.sampleId,
    j: world.alice.jobId,
    v: "1",
  };
}

function pathOf(route: Route, ids: Record<string, string>): string {
  return route.path.replace(/\{(\w)\}/g, (_, name: string) => ids[name] as string);
}

function credentialOf(route: Route): Record<string, string> {
  if (route.credential === "none") return {};
  const token = route.credential === "admin" ? world.adminToken : world.alice.key;
  return { authorization: `Bearer ${token}` };
}

function jsonCase(name: string, route: Route, path: string, body: string): Case {
  return {
    name,
    method: route.method,
    path,
    headers: { ...credentialOf(route), "content-type": "application/json" },
    body,
  };
}

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
const printable = (maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...PRINTABLE), maxLength });

/** Ids that are built-in object properties, very long, odd Unicode or odd percent-encodings. */
const ODD_IDS = [
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "isPrototypeOf",
  "__defineGetter__",
  "prototype",
  "x".repeat(5000),
  "é\u202Eabc",
  "😀",
  "%00",
  "%ED%A0%80",
  "%FF%FE",
  "a%2Fb",
  "null",
  "undefined",
  "NaN",
  "-1",
  "0",
  "1e999",
  "9007199254740993",
  " ",
];

/** Odd ids that are no head type ("prototype" is one). */
const NOT_HEAD_TYPES = ODD_IDS.filter((id) => !["logistic", "prototype", "mlp"].includes(id));

/** A path segment: a percent-encoded odd id, or a few raw ones (already escapes). */
const oddSegment = fc.oneof(
  fc.constantFrom(...ODD_IDS).map((id) => (id.startsWith("%") ? id : encodeURIComponent(id))),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 300 }).map(encodeURIComponent),
  printable(100)
    .filter((id) => id.trim().length > 0)
    .map(encodeURIComponent),
);

/** Something where a string is wanted, or a string where something else is. */
const wrongValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(printable(8), fc.integer(), { maxKeys: 3 }),
);
const notBoolean = wrongValue.filter((value) => typeof value !== "boolean");
const notNumber = wrongValue.filter((value) => typeof value !== "number");
const badName = fc.oneof(
  wrongValue,
  fc.constantFrom(
    "",
    "   ",
    "x".repeat(101),
    "a\u0000b",
    "\u001b[2J",
    "bi\u202Edi",
    "a\uD800",
    "l1\nl2",
  ),
);
const badLabel = fc.oneof(
  wrongValue,
  fc.constantFrom("", "unknown", "x".repeat(129), "tab\there", "\u2066x", "\uDFFF", "a\u0085"),
);
const badSeed = fc.oneof(
  fc.constantFrom(-1, 1.5, 2 ** 32, 2 ** 53, "1", null, true),
  fc.double({ min: -1e300, max: 1e300, noInteger: true }),
);

/** Route by route, a JSON body that its schema, its head or its backbone must refuse. */
function badJsonBody(route: Route): fc.Arbitrary<unknown> {
  switch (`${route.method} ${route.path}`) {
    case "POST /v1/tenants":
      return fc.oneof(
        fc.record({ name: badName }),
        fc.record({ name: fc.constant("ok"), retainRawSamples: notBoolean }),
      );
    case "PATCH /v1/tenant":
      return fc.oneof(fc.constant({}), fc.record({ retainRawSamples: notBoolean }));
    case "POST /v1/adapters":
      return fc.oneof(
        fc.record({ name: badName, backbone: fc.constant("lexical") }),
        fc.record({ name: fc.constant("ok"), backbone: fc.constantFrom(...ODD_IDS) }),
        fc.record({
          name: fc.constant("ok"),
          backbone: fc.constant("lexical"),
          headType: fc.oneof(fc.constantFrom(...NOT_HEAD_TYPES), wrongValue),
        }),
      );
    case "POST /v1/adapters/{a}/samples":
      return fc.oneof(
        fc.record({
          samples: fc.array(fc.record({ input: fc.constant("ok"), label: badLabel }), {
            minLength: 1,
            maxLength: 3,
          }),
        }),
        fc.record({
          samples: fc.array(fc.record({ input: wrongValue, label: fc.constant("weather") }), {
            minLength: 1,
            maxLength: 3,
          }),
        }),
        fc.record({ samples: fc.oneof(wrongValue, fc.constant([])) }),
        fc.constant({
          samples: Array.from({ length: 65 }, (_, i) => ({ input: `text ${i}`, label: "weather" })),
        }),
        fc.constant({ samples: [{ input: { image: "iVBORw0KGgo=" }, label: "weather" }] }),
        fc.constant({ samples: [{ input: "   ", label: "weather" }] }),
        fc.constant({ samples: [{ input: "x".repeat(2001), label: "weather" }] }),
      );
    case "POST /v1/adapters/{a}/predict":
      return fc.oneof(
        fc.record({ inputs: fc.oneof(wrongValue, fc.constant([])) }),
        fc.record({
          inputs: fc.array(fc.oneof(wrongValue, fc.constant(""), fc.constant("x".repeat(2001))), {
            minLength: 1,
            maxLength: 3,
          }),
        }),
        fc.constant({ inputs: Array(65).fill("sunny") }),
        fc.constant({ inputs: [{ image: "not base64!" }] }),
      );
    case "POST /v1/embed":
      return fc.oneof(
        fc.record({ backbone: fc.constantFrom(...ODD_IDS), inputs: fc.constant(["a kitten"]) }),
        fc.record({ backbone: wrongValue, inputs: fc.constant(["a kitten"]) }),
        fc.record({
          backbone: fc.constant("lexical"),
          inputs: fc.oneof(wrongValue, fc.constant([])),
        }),
        fc.record({
          backbone: fc.constant("lexical"),
          layer: fc.constantFrom(...ODD_IDS),
          inputs: fc.constant(["a"]),
        }),
        fc.constant({ backbone: "lexical", inputs: Array(33).fill("a") }),
        // Images that never reach the backbone: bad base64, and base64 of bytes that are no image.
        fc.record({
          backbone: fc.constant("mobilenet-v2"),
          inputs: fc.array(
            fc.oneof(
              printable(40).map((text) => ({ image: `${text}!` })),
              fc
                .uint8Array({ minLength: 1, maxLength: 64 })
                .map((bytes) => ({ image: btoa(String.fromCharCode(...bytes)) })),
              fc.constant({ image: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==" }),
            ),
            { minLength: 1, maxLength: 3 },
          ),
        }),
      );
    case "POST /v1/adapters/{a}/train":
      return fc.oneof(
        fc.record({ seed: badSeed }),
        fc.record({ headType: fc.oneof(fc.constantFrom(...NOT_HEAD_TYPES), wrongValue) }),
        fc.record({ activate: fc.oneof(fc.integer(), fc.constant("yes"), fc.constant(null)) }),
        fc.record({
          hyperparameters: fc.dictionary(
            fc.constantFrom(
              "constructor",
              "toString",
              "hasOwnProperty",
              "C",
              "hiddenUnits",
              "x".repeat(65),
            ),
            fc.oneof(fc.integer(), fc.constant("x".repeat(65)), fc.constant(true)),
            { minKeys: 1, maxKeys: 3 },
          ),
        }),
        fc.record({
          hyperparameters: fc.oneof(fc.integer(), fc.constant("big"), fc.constant([1])),
        }),
        fc.constant({ headType: "mlp", hyperparameters: { hiddenUnits: 5000 } }),
        fc.constant({ headType: "logistic", hyperparameters: { classWeight: "heavy" } }),
        fc.constant({ fractions: { train: 0.9, validation: 0.9, test: 0.9 } }),
        fc.record({
          targetPrecision: fc.oneof(fc.constant(0), fc.constant(2), fc.constant("high")),
        }),
        fc.record({
          sweep: fc.oneof(
            fc.constant({ cGrid: [] }),
            fc.constant({ cGrid: Array(21).fill(1) }),
            fc.constant({ weightDecayGrid: [-1] }),
          ),
        }),
      );
    case "POST /v1/adapters/{a}/select":
      return fc.oneof(
        fc.record({
          folds: fc.oneof(
            fc.constantFrom(2, 11, 3.5, "3"),
            notNumber,
            fc.integer().filter((folds) => folds < 3 || folds > 10),
          ),
        }),
        fc.record({ seed: badSeed }),
        fc.record({
          backbones: fc.oneof(
            fc.constant([]),
            fc.array(fc.constantFrom(...ODD_IDS.filter((id) => id.length <= 64 && id.trim())), {
              minLength: 1,
              maxLength: 3,
            }),
            wrongValue,
          ),
        }),
      );
    case "POST /v1/adapters/{a}/select/apply":
      return fc.oneof(
        fc.record({ backbone: fc.constantFrom(...ODD_IDS.filter((id) => id.trim())) }),
        fc.record({ jobId: fc.constantFrom(...ODD_IDS.filter((id) => id.trim())) }),
        fc.record({
          backbone: fc.constant("lexical"),
          layer: fc.oneof(wrongValue, fc.constant("x".repeat(65))),
        }),
        fc.record({ seed: badSeed }),
      );
    default:
      throw new Error(`no bad bodies for ${route.method} ${route.path}`);
  }
}

/** Text that is not JSON. */
const malformedJson = fc.oneof(
  fc.constantFrom('{"name": ', "{", "[1,", "nul", '{"a":1}}', "\u0000", "{'a': 1}", "NaN"),
  printable(60)
    .map((text) => `{${text}`)
    .filter(isMalformed),
);

function isMalformed(text: string): boolean {
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
}

/** A streamed (chunked) body of 80 kB, over every control route's limit. */
function streamedBody(): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ === 5) return controller.close();
      controller.enqueue(new TextEncoder().encode(`"${"x".repeat(16 * 1024)}"`));
    },
  });
}

type Parts = [string, string | Blob][];

/** Multipart forms each upload route must refuse (no text input reaches predict: it would answer). */
function multipartParts(route: Route): fc.Arbitrary<Parts> {
  const noise = fc.uint8Array({ minLength: 1, maxLength: 256 });
  const image = (bytes: Uint8Array) => new Blob([bytes], { type: "image/png" });
  if (route.path === "/v1/embed") {
    return fc.oneof(
      fc.constant<Parts>([["backbone", "lexical"]]),
      noise.map(
        (bytes): Parts => [
          ["backbone", "mobilenet-v2"],
          ["inputs", image(bytes)],
        ],
      ),
      fc.constantFrom(...ODD_IDS).map(
        (id): Parts => [
          ["backbone", id],
          ["inputs", "a"],
        ],
      ),
    );
  }
  const images = noise.map(
    (bytes): Parts => [
      ["inputs", image(bytes)],
      ["label", "weather"],
    ],
  );
  if (route.path.endsWith("/predict")) return fc.oneof(fc.constant<Parts>([]), images);
  return fc.oneof(
    fc.constant<Parts>([]),
    images,
    // A form cannot carry a lone surrogate (it arrives as U+FFFD, a fine label): not sent here.
    badLabel
      .filter((label): label is string => typeof label === "string" && !/\p{Cs}/u.test(label))
      .map(
        (label): Parts => [
          ["inputs", "a sentence"],
          ["label", label],
        ],
      ),
    fc.constant<Parts>([
      ["inputs", "one"],
      ["inputs", "two"],
      ["labels", "weather"],
    ]),
  );
}

function multipart(parts: Parts): { body: FormData } {
  const form = new FormData();
  for (const [name, value] of parts) form.append(name, value);
  return { body: form };
}

const families = {
  credentials: fc
    .tuple(
      fc.constantFrom(...guarded),
      fc.oneof(
        fc.constant<string | null>(null),
        printable(80),
        printable(80).map((text) => `Bearer ${text}`),
        fc.constantFrom("Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer  x  y"),
        fc.constantFrom("revoked", "deleted", "swapped", "altered"),
      ),
    )
    .map(([route, credential]) => {
      const headers: Record<string, string> = {};
      const other = route.credential === "admin" ? world.alice.key : world.adminToken;
      const mine = route.credential === "admin" ? world.adminToken : world.alice.key;
      const bearer = {
        revoked: `Bearer ${world.revokedKey}`,
        deleted: `Bearer ${world.deletedTenantKey}`,
        swapped: `Bearer ${other}`,
        altered: `Bearer ${mine.slice(0, -1)}${mine.endsWith("A") ? "B" : "A"}`,
      } as Record<string, string>;
      if (credential !== null) headers.authorization = bearer[credential] ?? credential;
      const valid = route.valid === undefined ? undefined : JSON.stringify(route.valid);
      if (valid) headers["content-type"] = "application/json";
      return {
        name: `credentials ${credential}`,
        method: route.method,
        path: pathOf(route, realIds()),
        headers,
        body: valid,
      };
    }),

  oddIds: fc
    .tuple(
      fc.constantFrom(...withIds),
      fc.array(oddSegment, { minLength: 6, maxLength: 6 }),
      fc.integer({ min: 1, max: 63 }),
    )
    .map(([route, odd, mask]) => {
      // Each id of the path is odd or real, by the bits of `mask` (at least one is odd).
      const names = ["t", "k", "a", "s", "j", "v"];
      const present = names.filter((name) => route.path.includes(`{${name}}`));
      const ids = realIds();
      present.forEach((name, i) => {
        if (mask & (1 << i) || i === present.length - 1) ids[name] = odd[i] as string;
      });
      const valid = route.valid === undefined ? undefined : JSON.stringify(route.valid);
      return {
        name: "odd ids",
        method: route.method,
        path: pathOf(route, ids),
        headers: {
          ...credentialOf(route),
          ...(valid ? { "content-type": "application/json" } : {}),
        },
        body: valid,
      };
    }),

  bodies: fc
    .constantFrom(...withBodies.filter((route) => route.valid !== undefined))
    .chain((route) =>
      fc.oneof(
        badJsonBody(route).map((body) =>
          jsonCase("mistyped body", route, pathOf(route, realIds()), JSON.stringify(body)),
        ),
        malformedJson.map((text) =>
          jsonCase("malformed JSON", route, pathOf(route, realIds()), text),
        ),
        fc
          .oneof(
            fc.integer(),
            fc.boolean(),
            fc.constant(null),
            fc.array(fc.integer()),
            printable(20),
          )
          .map((value) =>
            jsonCase(
              "JSON that is no object",
              route,
              pathOf(route, realIds()),
              JSON.stringify(value),
            ),
          ),
        // Over the 64 kB control limit (the upload limit has its own test in limits.test.ts).
        fc.constant(
          jsonCase(
            "over the limit",
            route,
            pathOf(route, realIds()),
            JSON.stringify(
              route.body === "upload"
                ? { padding: "x" }
                : { ...(route.valid as object), padding: "x".repeat(70 * 1024) },
            ),
          ),
        ),
      ),
    ),

  contentTypes: fc
    .tuple(
      fc.constantFrom(...withBodies.filter((route) => route.body !== "optional-json")),
      fc.constantFrom(
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/xml",
        "image/png",
        "multipart/form-data",
        "multipart/form-data; boundary=zz",
        "application/json; charset=utf-16",
        "",
      ),
      printable(200),
    )
    .map(([route, contentType, text]) => ({
      name: `content type ${contentType || "(none)"}`,
      method: route.method,
      path: pathOf(route, realIds()),
      headers: { ...credentialOf(route), ...(contentType ? { "content-type": contentType } : {}) },
      body: contentType.startsWith("application/json") ? `{${text}` : `--zz\r\n${text}`,
    })),

  multipart: fc
    .constantFrom(...withBodies.filter((route) => route.body === "upload"))
    .chain((route) =>
      multipartParts(route).map((parts) => ({
        name: "bad multipart",
        method: route.method,
        path: pathOf(route, realIds()),
        headers: credentialOf(route),
        ...multipart(parts),
      })),
    ),

  streamed: fc
    .constantFrom(...withBodies.filter((route) => route.body !== "upload"))
    .map((route) => ({
      name: "streamed over the limit",
      method: route.method,
      path: pathOf(route, realIds()),
      headers: { ...credentialOf(route), "content-type": "application/json" },
      body: streamedBody,
    })),

  methods: fc
    .tuple(
      fc.constantFrom(...ROUTES),
      fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"),
    )
    .filter(
      ([route, method]) =>
        !ROUTES.some((other) => other.path === route.path && other.method === method),
    )
    .map(([route, method]) => ({
      name: `method ${method}`,
      method,
      path: pathOf(route, realIds()),
      headers: credentialOf(route),
    })),

  queries: fc
    .tuple(
      fc.constantFrom(
        "/v1/tenants",
        "/v1/adapters",
        "/v1/adapters/{a}/versions",
        "/v1/tenants/{t}/keys",
      ),
      fc.oneof(
        fc.constantFrom("0", "-1", "201", "abc", "1.5", "1e9", "").map((limit) => `limit=${limit}`),
        fc
          .oneof(
            // A random string can be a valid cursor by chance ("Mn" is base64 of 2, a version).
            printable(40).filter((c) => c.length > 0 && !decodesToJson(c)),
            fc.constantFrom("__proto__", "e30", "WzFd"),
          )
          .map((cursor) => `cursor=${encodeURIComponent(cursor)}`),
      ),
    )
    .map(([path, query]) => {
      const admin = path.startsWith("/v1/tenants");
      return {
        name: "bad page query",
        method: "GET",
        path: `${path.replace("{a}", world.alice.adapterId).replace("{t}", world.alice.id)}?${query}`,
        headers: { authorization: `Bearer ${admin ? world.adminToken : world.alice.key}` },
      };
    }),

  predictQueries: fc
    .oneof(
      fc.constantFrom("0", "21", "-3", "x", "1.5").map((k) => `topK=${k}`),
      fc.constantFrom("yes", "1", "TRUE", "").map((a) => `abstain=${a}`),
    )
    .map((query) => ({
      name: "bad predict query",
      method: "POST",
      path: `/v1/adapters/${world.alice.adapterId}/predict?${query}`,
      headers: { authorization: `Bearer ${world.alice.key}`, "content-type": "application/json" },
      body: JSON.stringify({ inputs: ["sunny"] }),
    })),

  // A URL cannot carry a lone surrogate (its bytes decode to U+FFFD, a fine label): not sent here.
  labels: badLabel
    .filter((label): label is string => typeof label === "string" && !/\p{Cs}/u.test(label))
    .map((label) => ({
      name: "bad label to delete",
      method: "DELETE",
      path: `/v1/adapters/${world.alice.adapterId}/samples?label=${encodeURIComponent(label)}`,
      headers: { authorization: `Bearer ${world.alice.key}` },
    })),
};

export type Family = keyof typeof families;

/**
 * Runs per family: 1,090 in all (the two fuzz test files take half the families each). Requests that reach a tenant's object are the slow ones in this
 * pool (each makes the later in-process requests of the file slower), so most runs go to families
 * refused before it.
 */
const RUNS: Record<Family, number> = {
  credentials: 250,
  oddIds: 150,
  bodies: 250,
  contentTypes: 60,
  multipart: 60,
  streamed: 20,
  methods: 220,
  queries: 40,
  predictQueries: 20,
  labels: 20,
};

/** Cases go in concurrent batches: the pool answers in-process requests slowly one by one. */
const BATCH = 10;

/**
 * One test per family, then a check that the deployment is exactly as before. The pool's
 * in-process requests get slower the more of them a test file has made, so the families are split
 * over two files.
 */
export function describeBadInput(title: string, names: Family[]): void {
  let before: Awaited<ReturnType<typeof worldState>>;
  const statuses = new Map<string, number>();

  beforeAll(async () => {
    world = await buildWorld(bindings.ADMIN_TOKEN);
    before = await worldState(world);
  });

  async function check(family: Family, c: Case): Promise<void> {
    const response = await send(c);
    const context = `${c.name}: ${c.method} ${c.path.slice(0, 200)} → ${response.status}`;
    await expectProblem(response, context);
    expect(response.status, context).toBeGreaterThanOrEqual(400);
    const key = `${family} ${response.status}`;
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
  }

  describe(title, () => {
    it.each(names)(
      "%s: every case refused with a problem, none with a 5xx",
      async (family) => {
        const batch = fc.array(families[family] as fc.Arbitrary<Case>, {
          minLength: BATCH,
          maxLength: BATCH,
        });
        await fc.assert(
          fc.asyncProperty(batch, async (cases) => {
            await Promise.all(cases.map((c) => check(family, c)));
          }),
          { numRuns: RUNS[family] / BATCH },
        );
      },
      300_000,
    );

    it("left every tenant, key, adapter, sample count, version and active version as it was", async () => {
      const total = [...statuses.values()].reduce((sum, count) => sum + count, 0);
      expect(total).toBeGreaterThanOrEqual(names.reduce((sum, name) => sum + RUNS[name], 0));
      console.log(title, Object.fromEntries([...statuses].sort()));
      expect(await worldState(world)).toEqual(before);
    });
  });
}

async function send(c: Case): Promise<Response> {
  const body = typeof c.body === "function" ? c.body() : c.body;
  // Each case from a client address of its own: from one, the bad credentials among them would
  // soon lock it out (429, abuse-limits.test.ts) and the cases after would test the lockout.
  const headers = new Headers(c.headers);
  headers.set(
    "cf-connecting-ip",
    `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 256)).join(".")}`,
  );
  const init: RequestInit = { method: c.method, headers };
  if (body !== undefined && c.method !== "GET") init.body = body;
  return fetchWorker(`http://edge${c.path}`, init);
}

/** Whether a cursor decodes (base64url) to JSON at all: only then can it be a valid page position. */
function decodesToJson(cursor: string): boolean {
  try {
    JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/")));
    return true;
  } catch {
    return false;
  }
}
