// Next.js settings. The gateway's address is read at run time by the server (route handlers and the
// root layout), never baked into the bundle, so one build serves any deployment.
import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  // The permission matrix is TypeScript source in a workspace package.
  transpilePackages: ["@ms5/schema"],
  poweredByHeader: false,
};

export default config;
