/** `/console` and `/console/` (the assets' folder, as a user may type it) lead to the console at `/`. */

import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import type { BackbonePool } from "../../../src/runtime/backbones";

const app = createApp(() => ({}) as BackbonePool);

describe("the console's folder", () => {
  it.each(["/console", "/console/"])("GET %s redirects to /", async (path) => {
    const response = await app.request(`http://edge${path}`);
    expect(response.status).toBe(308);
    expect(response.headers.get("location")).toBe("/");
  });
});
