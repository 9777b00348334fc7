import { readFile, rename, writeFile } from "node:fs/promises";
import { CogError } from "../errors.js";
import type { HeaderSnapshot } from "../io/snapshot.js";

/** One dataset's entry: its header snapshot and the stamp (size and mtime of a local file) it was taken at. */
interface Entry {
  stamp: string;
  snapshot: HeaderSnapshot;
}

interface SnapshotFile {
  format: "cogread-serve-snapshots";
  version: 1;
  datasets: Record<string, Entry>;
}

/**
 * Header snapshots of a server's datasets, kept in a JSON file (`cogread serve --snapshots`):
 * Terracotta's ingest idea, so that a tile costs only its data requests. Loaded once at start;
 * snapshots taken later are written back (a whole new file, renamed into place).
 *
 * @example
 * ```ts
 * const store = await SnapshotStore.load("snapshots.json");
 * const snap = store.get("/data/dem.tif", "123:456");
 * ```
 */
export class SnapshotStore {
  private writing: Promise<void> = Promise.resolve();
  private queued = false;

  private constructor(
    /** The file's path. */
    readonly file: string,
    private readonly data: SnapshotFile,
  ) {}

  /**
   * Reads `file`; a missing file is an empty store (created on the first write). A file that is
   * not a snapshots file is `COG_USAGE`.
   *
   * @example
   * ```ts
   * const store = await SnapshotStore.load("snapshots.json");
   * ```
   */
  static async load(file: string): Promise<SnapshotStore> {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return new SnapshotStore(file, { format: "cogread-serve-snapshots", version: 1, datasets: {} });
      throw new CogError("COG_USAGE", `cannot read the snapshots file ${file}: ${(e as Error).message}`);
    }
    let data: SnapshotFile;
    try {
      data = JSON.parse(text) as SnapshotFile;
    } catch (e) {
      throw new CogError("COG_USAGE", `the snapshots file ${file} is not JSON: ${(e as Error).message}`);
    }
    if (data?.format !== "cogread-serve-snapshots" || data.version !== 1 || typeof data.datasets !== "object" || data.datasets === null) {
      throw new CogError("COG_USAGE", `${file} is not a cogread serve snapshots file (format "cogread-serve-snapshots", version 1)`);
    }
    return new SnapshotStore(file, data);
  }

  /** The snapshot of `key` taken at `stamp`; none when missing or taken at another stamp. */
  get(key: string, stamp: string): HeaderSnapshot | undefined {
    const entry = this.data.datasets[key];
    return entry !== undefined && entry.stamp === stamp ? entry.snapshot : undefined;
  }

  /** Records a snapshot and writes the file (writes run one after another). */
  set(key: string, stamp: string, snapshot: HeaderSnapshot): Promise<void> {
    this.data.datasets[key] = { stamp, snapshot };
    return this.save();
  }

  /** Forgets `key` (its file changed) and writes the file. */
  delete(key: string): Promise<void> {
    if (!(key in this.data.datasets)) return this.writing;
    delete this.data.datasets[key];
    return this.save();
  }

  /** Resolves when every write asked for so far is done. */
  flush(): Promise<void> {
    return this.writing;
  }

  private save(): Promise<void> {
    // Writes coalesce: one not yet started writes whatever the store holds when it starts, so
    // opening a folder of N new datasets writes the file at most about N times, not N queued copies.
    if (this.queued) return this.writing;
    this.queued = true;
    const tmp = `${this.file}.${process.pid}.tmp`;
    this.writing = this.writing.catch(() => undefined).then(async () => {
      this.queued = false;
      await writeFile(tmp, `${JSON.stringify(this.data)}\n`);
      await rename(tmp, this.file);
    });
    return this.writing;
  }
}
