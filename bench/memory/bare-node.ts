/** RSS of a Node process with tsx and nothing else: what the Node figures carry that an isolate does not. */
import { residentBytes } from "./proc-memory";

globalThis.gc?.();
console.log(JSON.stringify({ rss: await residentBytes("self", "VmRSS") }));
