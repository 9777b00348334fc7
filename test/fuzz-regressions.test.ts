/**
 * Every reproducer the fuzzer ever saved (test/fuzz-regressions/<kind>/<hash>.tif) runs again,
 * as `npm run fuzz` ran it: in a child process with the allocation guard, a time limit and an
 * RSS watchdog. Each must now end with every call ok or a typed CogError.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FuzzPool } from "./fuzz/pool.js";
import { REGRESSIONS_DIR, reproducers } from "./fuzz/regressions.js";

const saved = reproducers();
const pool = new FuzzPool({ seeds: [], seed: 0, workers: 2, limits: { timeoutMs: 5000 } });
afterAll(() => pool.close());

describe(`fuzz regressions (${saved.length} reproducers)`, () => {
  it("the regression corpus is not empty", () => {
    expect(saved.length).toBeGreaterThan(0);
  });

  for (const r of saved) {
    it(`${r.file}: was ${r.kind} "${r.signature}"`, async () => {
      const bytes = new Uint8Array(readFileSync(join(REGRESSIONS_DIR, r.file)));
      const result = await pool.runBytes(bytes);
      const untyped = result.outcomes.filter((o) => o.kind === "untyped").map((o) => `${o.call}: ${o.detail}`);
      expect(untyped, "calls that escaped untyped").toEqual([]);
      expect(["ok", "typed", "slow"], `${result.kind}: ${result.signature ?? ""}`).toContain(result.kind);
      expect(result.outcomes.length).toBeGreaterThan(0);
    }, 30_000);
  }
});
