/**
 * The answer to a request no route handled: 405 with `Allow` when its path has routes for other
 * methods (RFC 9110 §15.5.6), else 404. The methods come from the app's own router, so they follow
 * the routes as declared. A CORS preflight from a listed origin never gets here (src/routes/cors.ts
 * answers it); any other OPTIONS is a method no route takes.
 */

import type { Env, Hono, NotFoundHandler } from "hono";
import { METHOD_NAME_ALL, METHODS } from "hono/router";
import { Problem, problemResponse } from "../problem";

/** The methods a path's routes take (middleware, registered for every method, is no route). */
export function allowedMethods<E extends Env>(app: Hono<E>, path: string): string[] {
  const routed = METHODS.map((method) => method.toUpperCase()).filter((method) =>
    app.router.match(method, path)[0].some(([[, route]]) => route.method !== METHOD_NAME_ALL),
  );
  // Hono answers HEAD with the GET route.
  return routed.flatMap((method) => (method === "GET" ? ["GET", "HEAD"] : [method]));
}

export function unroutedHandler<E extends Env>(app: Hono<E>): NotFoundHandler<E> {
  return (c) => {
    const { method, path } = c.req;
    const allowed = allowedMethods(app, path);
    if (allowed.length === 0) {
      return problemResponse(c, new Problem(404, "not-found", `no route for ${method} ${path}`));
    }
    const allow = allowed.join(", ");
    c.header("allow", allow);
    return problemResponse(
      c,
      new Problem(405, "method-not-allowed", `${path} does not take ${method}; it takes ${allow}`),
    );
  };
}
