import { CogError } from "../errors.js";
import type { HeaderSnapshot } from "./snapshot.js";

// Opening from a snapshot is the only use of this module: `openFile` loads it then, so that a
// plain open does not carry it (README, "Bundle sizes").

/**
 * Decodes and checks a {@link HeaderSnapshot}; anything malformed is `COG_USAGE`.
 *
 * @example
 * ```ts
 * const { segments } = decodeSnapshot(JSON.parse(text));
 * ```
 */
export function decodeSnapshot(snap: HeaderSnapshot): { segments: Array<{ offset: number; bytes: Uint8Array }>; size?: number; etag?: string } {
  if (snap?.format !== "cogread-header-snapshot" || snap.version !== 1 || !Array.isArray(snap.segments)) {
    throw new CogError("COG_USAGE", "not a cogread header snapshot (format cogread-header-snapshot, version 1)");
  }
  const segments = snap.segments.map((s) => {
    if (!Number.isSafeInteger(s.offset) || s.offset < 0 || typeof s.data !== "string") {
      throw new CogError("COG_USAGE", `header snapshot segment at ${s.offset} is malformed`);
    }
    return { offset: s.offset, bytes: fromBase64(s.data) };
  });
  return { segments, size: snap.size, etag: snap.etag };
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
