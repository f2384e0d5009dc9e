/**
 * One place that turns every error into an RFC 9457 problem: the app's own `Problem`s, Hono's and
 * zod-openapi's HTTP exceptions, and the domain errors of backbones (bad images, bad inputs).
 */

import { HTTPException } from "hono/http-exception";
import { HeadInputError } from "../adapters/errors";
// Not through models/index, whose registry would pull every backbone into every deployment's bundle.
import { ImageError } from "../models/image/image-error";
import { InputError } from "../models/input-error";
import { Problem } from "./problem";
import { BackboneUnavailableError, UnknownBackboneError } from "./runtime/backbones";

/** Errors raised by Hono and zod-openapi themselves (malformed JSON, undeclared content type, …). */
const HTTP_EXCEPTION_SLUGS: Record<number, string> = {
  400: "malformed-request",
  413: "payload-too-large",
  415: "unsupported-media-type",
};

const IMAGE_PROBLEMS = {
  "unsupported-format": { status: 415, slug: "unsupported-image-format" },
  "corrupt-image": { status: 422, slug: "corrupt-image" },
  "image-too-large": { status: 413, slug: "image-too-large" },
} as const;

/** zod-openapi's own 415 says only "Unsupported Media Type". */
const UNSUPPORTED_MEDIA_TYPE_DETAIL =
  "the request's Content-Type is not one this route takes: send application/json (sample uploads, predictions and embeddings also take multipart/form-data)";

export function toProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  if (error instanceof HTTPException && error.status === 415) {
    return new Problem(415, "unsupported-media-type", UNSUPPORTED_MEDIA_TYPE_DETAIL);
  }
  if (error instanceof HTTPException) {
    const slug = HTTP_EXCEPTION_SLUGS[error.status] ?? "bad-request";
    return new Problem(error.status, slug, error.message || "the request could not be read");
  }
  if (error instanceof UnknownBackboneError)
    return new Problem(404, "unknown-backbone", error.message);
  if (error instanceof BackboneUnavailableError) {
    // The deployment's fault (a corrupt or mismatching model file, a missing runtime), not the caller's.
    return new Problem(503, "backbone-unavailable", error.message, { backbone: error.backboneId });
  }
  if (error instanceof ImageError) {
    const { status, slug } = IMAGE_PROBLEMS[error.code];
    return new Problem(status, slug, error.message, { format: error.format });
  }
  // The training protocol's refusal of options or samples: the caller's to fix.
  if (error instanceof HeadInputError) return new Problem(422, error.code, error.detail);
  if (error instanceof InputError) {
    return new Problem(
      422,
      error.code,
      error.message,
      error.index === undefined ? {} : { index: error.index },
    );
  }
  console.error("unhandled error", error);
  return new Problem(500, "internal-error", "the server failed to handle this request");
}
