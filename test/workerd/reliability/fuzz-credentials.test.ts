/** Generated bad input (./fuzz-families.ts): credentials, content types, streamed bodies and labels. */

import { fuzzFamilies } from "./fuzz-families";

fuzzFamilies(["credentials", "contentTypes", "streamed", "labels"]);
