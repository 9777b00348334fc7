import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { COGReader, CogError, type HeaderSnapshot } from "../index.js";
import type { OpenOptions } from "../options.js";
import type { MosaicSource, OpenMosaic } from "./mosaic-adapter.js";
import type { SnapshotStore } from "./snapshots.js";

/**
 * A dataset the server offers: a COG (`.tif`, `.tiff`) or a MosaicJSON (`.json`, `.json.gz`),
 * named by its file name without the extension.
 *
 * @example
 * ```ts
 * const entry: DatasetEntry = { name: "dem", kind: "cog", location: "/data/dem.tif" };
 * ```
 */
export interface DatasetEntry {
  name: string;
  kind: "cog" | "mosaic";
  /** Absolute path, or URL. */
  location: string;
}

/**
 * An open dataset. `identity` changes when the file does (local: size and mtime; remote: ETag),
 * so ETags built on it change too.
 *
 * @example
 * ```ts
 * const ds = await registry.open("dem");
 * if (ds?.kind === "cog") console.log(ds.reader.profile);
 * ```
 */
export type OpenDataset = { name: string; identity: string; location: string } & (
  | { kind: "cog"; reader: COGReader }
  | { kind: "mosaic"; reader: MosaicSource }
);

const REMOTE = /^(https?|s3|gs):\/\//i;
const COG_FILE = /\.tiff?$/i;
const MOSAIC_FILE = /\.json(\.gz)?$/i;

/**
 * The datasets under `root`: every `.tif`/`.tiff` and `.json`/`.json.gz` file (or link to one)
 * of a folder (not its subfolders; `exclude` left out), or the one file or URL given. A root that does not exist, or
 * a folder without datasets, is `COG_USAGE`; of two files with one name, the first (by file name)
 * is kept and `warn` is told.
 *
 * @example
 * ```ts
 * const entries = await findDatasets("./data", { exclude: ["./data/snapshots.json"] });
 * ```
 */
export async function findDatasets(root: string, opts: { exclude?: string[]; warn?: (message: string) => void } = {}): Promise<DatasetEntry[]> {
  if (REMOTE.test(root)) {
    const file = decodeURIComponent(new URL(root).pathname.split("/").pop() ?? "");
    return [{ name: nameOf(file) || "dataset", kind: MOSAIC_FILE.test(file) ? "mosaic" : "cog", location: root }];
  }
  const abs = path.resolve(root);
  const info = await stat(abs).catch((e: NodeJS.ErrnoException) => {
    throw new CogError("COG_USAGE", e.code === "ENOENT" ? `no such file or folder: ${root}` : `cannot read ${root}: ${e.message}`);
  });
  if (!info.isDirectory()) return [{ name: nameOf(path.basename(abs)), kind: MOSAIC_FILE.test(abs) ? "mosaic" : "cog", location: abs }];
  const exclude = new Set((opts.exclude ?? []).map((p) => path.resolve(p)));
  const candidates = (await readdir(abs, { withFileTypes: true }))
    .filter((d) => (d.isFile() || d.isSymbolicLink()) && (COG_FILE.test(d.name) || MOSAIC_FILE.test(d.name)) && !exclude.has(path.join(abs, d.name)));
  // Links count when they lead to a file.
  const isFile = await Promise.all(candidates.map(async (d) => d.isFile() || (await stat(path.join(abs, d.name)).catch(() => undefined))?.isFile() === true));
  const files = candidates.filter((_, i) => isFile[i]).map((d) => d.name).sort();
  const entries = new Map<string, DatasetEntry>();
  for (const file of files) {
    const name = nameOf(file);
    const prior = entries.get(name);
    if (prior !== undefined) {
      opts.warn?.(`${file} is left out: ${path.basename(prior.location)} has the same name, ${name}`);
      continue;
    }
    entries.set(name, { name, kind: COG_FILE.test(file) ? "cog" : "mosaic", location: path.join(abs, file) });
  }
  if (entries.size === 0) throw new CogError("COG_USAGE", `no datasets in ${root}: it has no .tif, .tiff, .json or .json.gz file`);
  return [...entries.values()];
}

function nameOf(file: string): string {
  return file.replace(/\.(tiff?|json(\.gz)?)$/i, "");
}

/**
 * Opens each dataset once, on first use, and keeps it open: the parsed header stays in memory,
 * so later tiles cost only their data requests. With a {@link SnapshotStore}, a COG opens from
 * its snapshot (no request); one opened without a snapshot loads its block arrays and has its
 * snapshot written back. A failed open is forgotten, so the next request tries again.
 *
 * @example
 * ```ts
 * const registry = new DatasetRegistry(await findDatasets("./data"), { openMosaic: openMosaicReader });
 * const ds = await registry.open("dem");
 * await registry.close();
 * ```
 */
export class DatasetRegistry {
  private readonly entries: Map<string, DatasetEntry>;
  private readonly opened = new Map<string, Promise<OpenDataset>>();
  private readonly ready = new Map<string, OpenDataset>();

  constructor(
    entries: readonly DatasetEntry[],
    private readonly opts: { openMosaic: OpenMosaic; snapshots?: SnapshotStore; openOptions?: OpenOptions; warn?: (message: string) => void },
  ) {
    this.entries = new Map(entries.map((e) => [e.name, e]));
  }

  /** The datasets, in name order. */
  list(): DatasetEntry[] {
    return [...this.entries.values()];
  }

  /** The dataset called `name`, opened (once); undefined when there is none. */
  open(name: string): Promise<OpenDataset> | undefined {
    const entry = this.entries.get(name);
    if (entry === undefined) return undefined;
    let p = this.opened.get(name);
    if (p === undefined) {
      p = entry.kind === "cog" ? this.openCog(entry) : this.openMosaic(entry);
      this.opened.set(name, p);
      const mine = p;
      p.then(
        (d) => this.opened.get(name) === mine && this.ready.set(name, d),
        () => this.opened.get(name) === mine && this.opened.delete(name),
      );
    }
    return p;
  }

  /** Requests and bytes `name` has cost so far: zero before it is open (so that a first tile counts its open). */
  requestsSoFar(name: string): { count: number; bytes: number } {
    const r = this.ready.get(name)?.reader.requests;
    return { count: r?.count ?? 0, bytes: r?.bytes ?? 0 };
  }

  /** Closes and forgets an open dataset and its snapshot (its file changed): the next request reopens it. */
  async reopen(name: string): Promise<void> {
    const p = this.opened.get(name);
    this.opened.delete(name);
    this.ready.delete(name);
    const entry = this.entries.get(name);
    if (entry !== undefined) await this.opts.snapshots?.delete(entry.location).catch(() => undefined);
    await p?.then((d) => d.reader.close()).catch(() => undefined);
  }

  /** Closes every open dataset and waits for snapshot writes. */
  async close(): Promise<void> {
    const open = await Promise.allSettled([...this.opened.values()]);
    this.opened.clear();
    this.ready.clear();
    await Promise.allSettled(open.map((r) => (r.status === "fulfilled" ? r.value.reader.close() : undefined)));
    await this.opts.snapshots?.flush().catch(() => undefined);
  }

  private async openCog(entry: DatasetEntry): Promise<OpenDataset> {
    const { reader, stamp, snapshot } = await this.openWithSnapshot(entry.location, this.opts.openOptions);
    const etag = (snapshot ?? (REMOTE.test(entry.location) ? reader.snapshot() : undefined))?.etag ?? "";
    return { kind: "cog", name: entry.name, location: entry.location, reader, identity: `${entry.location}|${stamp}|${etag}` };
  }

  /** A mosaic whose assets open as COG datasets do: from the snapshots file, or snapshotted into it. */
  private async openMosaic(entry: DatasetEntry): Promise<OpenDataset> {
    const stamp = await stampOf(entry.location);
    const reader = await this.opts.openMosaic(entry.location, {
      reader: this.opts.openOptions,
      openAsset: async (url, options) => (await this.openWithSnapshot(url, options)).reader,
    });
    return { kind: "mosaic", name: entry.name, location: entry.location, reader, identity: `${entry.location}|${stamp}` };
  }

  /**
   * Opens a COG from its snapshot when the store has one taken at the file's stamp; otherwise
   * opens it, loads every level's block arrays (so that a tile opened from the snapshot costs only
   * its data) and writes its snapshot back.
   */
  private async openWithSnapshot(location: string, options: OpenOptions | undefined): Promise<{ reader: COGReader; stamp: string; snapshot?: HeaderSnapshot }> {
    const stamp = await stampOf(location);
    const { snapshots } = this.opts;
    const snapshot = snapshots?.get(location, stamp);
    const reader = await COGReader.open(location, { ...options, snapshot });
    if (snapshots !== undefined && snapshot === undefined) {
      await Promise.all([...reader.ifds, ...reader.maskIfds].map((image) => reader.blockByteCounts(image)));
      snapshots.set(location, stamp, reader.snapshot()).catch((e: Error) => this.opts.warn?.(`cannot write ${snapshots.file}: ${e.message}`));
    }
    return { reader, stamp, snapshot };
  }
}

/** Size and modification time of a local file (a snapshot taken at another stamp is stale); "" for URLs. */
async function stampOf(location: string): Promise<string> {
  if (REMOTE.test(location)) return "";
  const s = await stat(location).catch(() => undefined);
  return s ? `${s.size}:${Math.round(s.mtimeMs)}` : "";
}
