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
  if (isJson(contentType) && Object.keys(json).length > 0) {
    return { kind: "json", json: json as J };
  }
  throw new Problem(415, "unsupported-media-type", "send application/json or multipart/form-data");
}

/** The type/subtype of a Content-Type, without its parameters; case-insensitive (RFC 9110 §8.3.1). */
export function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(";", 1)[0]?.trim().toLowerCase();
}

/** Whether a Content-Type is JSON: application/json or a +json type (RFC 6839). */
export function isJson(contentType: string | undefined): boolean {
  const type = mediaType(contentType);
  return type === "application/json" || type?.endsWith("+json") === true;
}

/** The names a declared charset may give UTF-8 by. */
const UTF8_NAMES: ReadonlySet<string> = new Set(["utf-8", "utf8"]);

/**
 * The `charset` a Content-Type declares when it is not UTF-8 (lower-cased, cut to 32 characters
 * for a problem's detail); undefined when it declares none or UTF-8.
 */
export function nonUtf8Charset(contentType: string | undefined): string | undefined {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType ?? "")?.[1]?.toLowerCase();
  return charset === undefined || UTF8_NAMES.has(charset) ? undefined : charset.slice(0, 32);
}
