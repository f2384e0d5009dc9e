/** `npx tsx bench/selection/cli.ts [small|full]`: the selection benchmark alone, markdown to stdout. */

import { benchSelection } from "./index";

console.log(await benchSelection(process.argv[2]));
