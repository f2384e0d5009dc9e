/** Generated bad input (./fuzz-families.ts): malformed and mistyped bodies and queries. */

import { fuzzFamilies } from "./fuzz-families";

fuzzFamilies(["bodies", "queries", "predictQueries"]);
