/**
 * The HTTP application, host-independent: the worker entry (src/index.ts) and Node tests both
 * build it with `createApp`, giving the backbone pool of their host.
 */

import { OpenAPIHono } from "@hono/zod-openapi";
import { authenticationFailureLimit } from "./auth-lockout";
import type { AppEnv } from "./env";
import { toProblem } from "./errors";
import { problemResponse } from "./problem";
import { backboneRoutes } from "./routes/backbones";
import { bodyLimits } from "./routes/body-limits";
import { consoleRoutes } from "./routes/console";
import { identityBodiesOnly } from "./routes/content-coding";
import { corsPolicy } from "./routes/cors";
import { devSeedRoutes } from "./routes/dev-seed";
import { mountDocs } from "./routes/docs";
import { embedRoutes } from "./routes/embed";
import { healthRoutes } from "./routes/health";
import { multipartTypes } from "./routes/multipart-type";
import { wellFormedQueries } from "./routes/query-encoding";
import { securityHeaders } from "./routes/security-headers";
import { tenantApi } from "./routes/tenant-api";
import { unroutedHandler } from "./routes/unrouted";
import { utf8JsonBodies } from "./routes/utf8-json";
import { validationProblem } from "./routes/validation";
import type { BackbonePool } from "./runtime/backbones";

export function createApp(backbones: (env: AppEnv["Bindings"]) => BackbonePool) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationProblem });

  app.use(securityHeaders());
  app.use(corsPolicy());
  app.use(bodyLimits());
  app.use(wellFormedQueries());
  app.use(identityBodiesOnly());
  app.use(multipartTypes());
  app.use(utf8JsonBodies());
  app.use("/v1/*", authenticationFailureLimit);
  app.use(async (c, next) => {
    c.set("backbones", backbones(c.env));
    await next();
  });

  app.route("/", healthRoutes());
  app.route("/v1", backboneRoutes());
  app.route("/v1", embedRoutes());
  app.route("/", tenantApi());
  app.route("/v1", devSeedRoutes());
  mountDocs(app);
  app.route("/", consoleRoutes());

  app.notFound(unroutedHandler(app));
  app.onError((error, c) => problemResponse(c, toProblem(error)));
  return app;
}

export type App = ReturnType<typeof createApp>;
