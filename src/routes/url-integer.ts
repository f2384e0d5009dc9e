/**
 * An integer read from a URL (a query or path parameter): plain decimal digits only. z.coerce
 * takes whatever Number() reads (`0x10`, ` 5`, `1e2`, `+5`, `5.0`), so a typo would silently ask
 * for another page size or version instead of being refused.
 */

import { z } from "@hono/zod-openapi";

const DECIMAL_DIGITS = /^[0-9]+$/;

/** Digits in [min, max], read as a number; documented as an OpenAPI integer. */
export function urlInteger(bounds: { min: number; max?: number }) {
  const value = z.int().min(bounds.min);
  const bounded = bounds.max === undefined ? value : value.max(bounds.max);
  const digits = z
    .string()
    .refine((text) => DECIMAL_DIGITS.test(text), {
      error: (issue) =>
        `a whole number in decimal digits (0-9), got ${JSON.stringify(String(issue.input))}`,
    })
    .transform(Number)
    .pipe(bounded);
  // Typed `unknown` on input, as z.coerce was: the typed client keeps taking a number, which it
  // sends as digits. A URL's value always arrives here as a string.
  return z
    .preprocess((value) => value, digits)
    .openapi({ type: "integer", minimum: bounds.min, maximum: bounds.max });
}

/** The same, optional: `fallback` when absent (documented too: a transform hides it from OpenAPI). */
export function urlIntegerOr(fallback: number, bounds: { min: number; max?: number }) {
  return urlInteger(bounds).default(fallback).openapi({ default: fallback });
}
