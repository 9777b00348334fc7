/**
 * `npx tsx test/fuzz/replay.ts <case> [--seed S] [--out file.tif]` or `… --file repro.tif`:
 * rebuilds one fuzz case (or reads a reproducer) and runs it in this process, printing each
 * call's outcome and time. For debugging what run.ts reported.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { exercise } from "./exercise.js";
import { makeCase } from "./mutate.js";
import { seedFiles } from "./seeds.js";

const argv = process.argv.slice(2);
const flag = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const file = flag("--file");
let bytes: Uint8Array;
if (file !== undefined) bytes = new Uint8Array(readFileSync(file));
else {
  const seeds = seedFiles().map((name) => ({ name, bytes: new Uint8Array(readFileSync(name)) }));
  const made = makeCase(seeds, Number(flag("--seed") ?? 1), Number(argv[0]));
  console.log(made.recipe);
  bytes = made.bytes;
  const out = flag("--out");
  if (out) writeFileSync(out, bytes);
}
for (const o of await exercise(bytes, (call) => process.stdout.write(`${call}… `))) {
  console.log(`\n${o.call}: ${o.kind}${o.detail ? ` ${o.detail}` : ""} (${o.ms.toFixed(1)} ms)`);
}
