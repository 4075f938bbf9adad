#!/bin/sh
# `pnpm start`'s web service: the production build (made on the first start), served on 127.0.0.1.
# GATEWAY_URL defaults to the local gateway on GATEWAY_PORT; WEB_PORT defaults to 3000.
set -e
cd "$(dirname "$0")/.."
[ -f .next/BUILD_ID ] || node node_modules/next/dist/bin/next build
export GATEWAY_URL="${GATEWAY_URL:-http://127.0.0.1:${GATEWAY_PORT:-4000}}"
# serve-web.mjs, not `next start`: it sets X-Forwarded-For from the socket (see the file).
exec node scripts/serve-web.mjs
