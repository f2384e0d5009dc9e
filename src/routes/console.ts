/**
 * The web console at `/` and the API reference at `/docs`: static files built by
 * src/console/build.ts into the assets under `console/`, read through the ASSETS binding. Only
 * those files are public: a request names one file of that folder (a plain name, no path), so the
 * model weights beside them stay private.
 */

import { Hono } from "hono";
import type { AppEnv } from "../env";
import { echoId, Problem } from "../problem";

/** A file name of the console folder: no slash, no leading dot. */
const FILE = "[a-z0-9][a-z0-9.-]*";

export function consoleRoutes() {
  return (
    new Hono<AppEnv>()
      .get("/", (c) => consoleFile(c.env.ASSETS, c.req.url, "index.html"))
      .get("/docs", (c) => consoleFile(c.env.ASSETS, c.req.url, "docs.html"))
      // The folder's own name, as a user may type it: the console is at `/`.
      .get("/console", (c) => c.redirect("/", 308))
      .get("/console/", (c) => c.redirect("/", 308))
      .get(`/console/:file{${FILE}}`, (c) =>
        consoleFile(c.env.ASSETS, c.req.url, c.req.param("file")),
      )
  );
}

async function consoleFile(assets: Fetcher, requestUrl: string, file: string): Promise<Response> {
  const response = await assets.fetch(new URL(`/console/${file}`, requestUrl));
  if (!response.ok) {
    throw new Problem(
      404,
      "not-found",
      `no console file ${echoId(file)} (built by \`npm run console\`)`,
    );
  }
  // A copy: the assets' headers are immutable, and the security middleware adds its own.
  return new Response(response.body, response);
}
