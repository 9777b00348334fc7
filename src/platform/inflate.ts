// The Node.js side of the DEFLATE seam. A module apart from ./node.ts so that the DEFLATE codec's
// chunk does not import the sources that ./node.ts exports: a bundler would then split them out
// of the core into a chunk of their own (README, "Bundle sizes"). The portable builds replace it
// with ./inflate-web.ts (build/portable.ts).
import { inflateNode } from "../decode/inflate-node.js";

/** DEFLATE on node:zlib; the portable build has none (web streams or pako instead). */
export const nativeInflater: typeof inflateNode | undefined = inflateNode;
