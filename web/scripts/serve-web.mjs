// `pnpm start`'s web server: Next.js's production handler behind a plain Node http server, so the
// browser's address reaches the sign-in proxy. Next keeps an X-Forwarded-For the browser sent, which
// would let a browser pick the address the gateway's per-address sign-in limit counts (and block
// another tablet's); here it is replaced by the socket's address, unless WEB_BEHIND_PROXY=true says
// a reverse proxy in front of us sets it.
import { createServer } from "node:http";
import path from "node:path";
import next from "next";

const port = Number(process.env.WEB_PORT || 3000);
const hostname = "127.0.0.1";
const behindProxy = process.env.WEB_BEHIND_PROXY === "true";

const app = next({ dev: false, dir: path.resolve(import.meta.dirname, ".."), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

createServer((req, res) => {
  if (!behindProxy) req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "";
  handle(req, res);
}).listen(port, hostname, () => {
  console.log(JSON.stringify({ level: 30, service: "web", msg: `ready on http://${hostname}:${port}` }));
});
