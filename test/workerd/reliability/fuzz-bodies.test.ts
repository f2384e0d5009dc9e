/**
 * Generated bad input over every route, part 2 (./bad-requests.ts): bodies (mistyped, malformed,
 * over the limit, streamed), content types and multipart; with ./fuzz.test.ts, 1,090 cases.
 */

import { describeBadInput } from "./bad-requests";

describeBadInput("generated bad bodies", ["bodies", "contentTypes", "multipart", "streamed"]);
