import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { isCogError, type CogError } from "../../src/errors.js";

/** A node:http server listening on 127.0.0.1 at a free port. */
export interface LocalServer {
  server: Server;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Drops open connections (streams in flight included) and stops listening. */
  close(): Promise<void>;
}

/** Starts `handler` on 127.0.0.1 at a free port. */
export async function listenLocal(handler: RequestListener): Promise<LocalServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    server,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The CogError `p` rejects with; fails the test when it resolves or rejects with anything else. */
export async function catchCogError(p: Promise<unknown>): Promise<CogError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!isCogError(err)) throw new Error(`expected a CogError, got ${String(err)}`);
  return err;
}
