#!/bin/sh
# `pnpm start`'s web service: the production build (made on the first start), served on 127.0.0.1.
# GATEWAY_URL defaults to the local gateway on GATEWAY_PORT; WEB_PORT defaults to 3000.
set -e
cd "$(dirname "$0")/.."
[ -f .next/BUILD_ID ] || node node_modules/next/dist/bin/next build
export GATEWAY_URL="${GATEWAY_URL:-http://127.0.0.1:${GATEWAY_PORT:-4000}}"
exec node node_modules/next/dist/bin/next start --hostname 127.0.0.1 --port "${WEB_PORT:-3000}"
