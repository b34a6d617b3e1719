/**
 * Where every stand-in listens: 127.0.0.1, on a port the system picks, so suites running side by
 * side never collide and nothing is reachable from outside the machine.
 */
import type { AddressInfo, Server } from "node:net";

/**
 * Starts `server` (a net, http or https server, or ssh2's, which are all net servers) listening
 * on 127.0.0.1 on a free port; resolves with the port, rejects when it cannot listen.
 */
export function listenOnLoopback(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}
