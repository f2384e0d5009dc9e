import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";

const health = createRoute({
  method: "get",
  path: "/healthz",
  summary: "Liveness: the isolate is up (backbones load lazily and are not touched here).",
  responses: {
    200: {
      description: "Alive",
      content: { "application/json": { schema: z.object({ status: z.literal("ok") }) } },
    },
  },
});

export function healthRoutes() {
  return new OpenAPIHono<AppEnv>().openapi(health, (c) => c.json({ status: "ok" as const }, 200));
}
