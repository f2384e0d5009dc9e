import { Problem } from "../problem";

/**
 * Routes that take JSON or multipart get both validated targets from zod-openapi, typed as either
 * shape, but only the one matching the request's content type was checked (the other is empty).
 * This returns the checked one with its type, and refuses a request that declared neither.
 */
export function chooseBody<J extends object, F extends object>(
  contentType: string | undefined,
  json: J | F,
  form: J | F,
): { kind: "json"; json: J } | { kind: "form"; form: F } {
  const type = mediaType(contentType);
  if (type === "multipart/form-data") return { kind: "form", form: form as F };
  if (type === "application/json" && Object.keys(json).length > 0) {
    return { kind: "json", json: json as J };
  }
  throw new Problem(415, "unsupported-media-type", "send application/json or multipart/form-data");
}

/** The type/subtype of a Content-Type, without its parameters; case-insensitive (RFC 9110 §8.3.1). */
export function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(";", 1)[0]?.trim().toLowerCase();
}

/** A `charset` the Content-Type declares, lower-cased (undefined when it declares none). */
export function declaredCharset(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType ?? "");
  return match?.[1]?.toLowerCase();
}

/** The names a declared charset may give UTF-8 by. */
export const UTF8_NAMES: ReadonlySet<string> = new Set(["utf-8", "utf8"]);
