import { CogError } from "../errors.js";
import type { ReadPlan } from "../locate/plan.js";
import { COGReader } from "../reader.js";

/**
 * `cogread plan <file> getTile|tile X Y Z` or `cogread plan <file> read MINX MINY MAXX MAXY W H`:
 * the requests the call would send (a dry run), as JSON.
 *
 * @example
 * ```ts
 * const plan = await planCommand(cog, ["tile", "4402", "2686", "13"]);
 * ```
 */
export async function planCommand(cog: COGReader, args: string[]): Promise<ReadPlan> {
  const [call, ...rest] = args;
  const nums = rest.map(Number);
  if (nums.some((n) => !Number.isFinite(n))) throw new CogError("COG_USAGE", `plan arguments must be numbers, got ${rest.join(" ")}`);
  if ((call === "tile" || call === "getTile") && nums.length === 3) {
    const [x, y, z] = nums;
    return call === "tile" ? cog.plan.tile(x, y, z) : cog.plan.getTile(x, y, z);
  }
  if (call === "read" && nums.length === 6) {
    const [minx, miny, maxx, maxy, width, height] = nums;
    return cog.plan.read([minx, miny, maxx, maxy], { width, height });
  }
  throw new CogError("COG_USAGE", "plan takes: getTile X Y Z | tile X Y Z | read MINX MINY MAXX MAXY WIDTH HEIGHT");
}

/**
 * `cogread snapshot <file>`: a header snapshot with every level's block arrays loaded, so that
 * reopening from it costs no request and each tile exactly one.
 *
 * @example
 * ```ts
 * const snap = await snapshotCommand(cog);
 * ```
 */
export async function snapshotCommand(cog: COGReader): Promise<ReturnType<COGReader["snapshot"]>> {
  for (const image of [...cog.ifds, ...cog.maskIfds]) await cog.blockByteCounts(image);
  return cog.snapshot();
}
