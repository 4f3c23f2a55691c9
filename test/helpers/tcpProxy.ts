// A TCP proxy in front of a server, to cut and restore a connection mid-test: cut() closes the
// listener and destroys every open connection (new connections are refused); stall() destroys every
// open connection and then accepts new ones without ever answering (a black hole: the client only
// learns by its own timeout); restore() forwards again on the same port.
import net from "node:net";

export type TcpProxy = {
  port: number;
  url: string;
  cut(): Promise<void>;
  stall(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
};

export async function startTcpProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  let stalled = false;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        if (stalled) {
          // Read and drop whatever the client sends; never answer.
          sockets.add(client);
          client
            .on("data", () => undefined)
            .on("error", () => client.destroy())
            .on("close", () => sockets.delete(client));
          return;
        }
        const upstream = net.connect(targetPort, targetHost);
        sockets.add(client);
        sockets.add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on("error", drop).on("close", drop);
        upstream.on("error", drop).on("close", drop);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });
  const cut = async () => {
    const s = server;
    server = null;
    for (const sock of sockets) sock.destroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  const dropAll = () => {
    for (const sock of sockets) sock.destroy();
    sockets.clear();
  };
  await listen();
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    cut,
    async stall() {
      stalled = true;
      dropAll();
      if (!server) await listen();
    },
    async restore() {
      stalled = false;
      dropAll();
      if (!server) await listen();
    },
    async close() {
      stalled = false;
      await cut();
    },
  };
}
