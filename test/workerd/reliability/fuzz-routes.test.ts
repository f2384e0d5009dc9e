/** Generated bad input (./fuzz-families.ts): wrong methods, odd ids and garbled multipart. */

import { fuzzFamilies } from "./fuzz-families";

fuzzFamilies(["methods", "oddIds", "multipart"]);
