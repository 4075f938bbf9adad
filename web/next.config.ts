// Next.js settings. The gateway's address is read at run time by the server (route handlers and the
// root layout), never baked into the bundle, so one build serves any deployment.
import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  // The permission matrix and the environment parser are TypeScript source in workspace packages.
  transpilePackages: ["@ms5/schema", "@ms5/kit"],
  poweredByHeader: false,
};

export default config;
