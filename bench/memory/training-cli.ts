/** Prints the training working-set section of the memory suite (./training-working-set.ts) without writing results. */
import { benchTrainingWorkingSet } from "./training-working-set";

console.log(await benchTrainingWorkingSet());
