import { createServer } from "node:net";

/** A TCP port free on loopback right now, for a `wrangler dev` of the test's own. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        address && typeof address === "object" ? resolve(address.port) : reject(),
      );
    });
  });
}
