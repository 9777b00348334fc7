import { CogError } from "../errors.js";
import { startServer } from "../serve/server.js";

/**
 * `cogread serve <root> [--port 8080] [--host 127.0.0.1] [--snapshots file.json]`: starts the
 * tile server, says where on stderr, and runs until SIGINT or SIGTERM, then stops accepting,
 * lets requests in flight finish, closes the datasets and resolves to exit code 0. A bad root or
 * port rejects (`COG_USAGE`, one line).
 *
 * @example
 * ```ts
 * process.exitCode = await serveCommand("./data", { port: "8080" }, { out: console.log, err: console.error });
 * ```
 */
export async function serveCommand(
  root: string,
  o: { port?: string; host?: string; snapshots?: string },
  io: { err: (s: string) => void },
): Promise<number> {
  const port = o.port === undefined ? 8080 : Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || o.port?.trim() === "") throw new CogError("COG_USAGE", `--port is 0–65535, not ${JSON.stringify(o.port)}`);
  const server = await startServer({ root, port, host: o.host, snapshots: o.snapshots, log: (line) => io.err(`${line}\n`) });
  const names = server.datasets.map((d) => d.name);
  io.err(`cogread serve: ${names.length} dataset${names.length === 1 ? "" : "s"} (${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""}) at ${server.url}/\n`);
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  io.err(`cogread serve: ${signal}: finishing requests in flight\n`);
  await server.close();
  return 0;
}
