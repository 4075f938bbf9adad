#!/bin/sh
# The browser tests drive Debian's chromium (playwright cannot download browsers here). On a fresh
# machine of the project's kind it is not installed yet: install it when we can (root + apt-get),
# otherwise say exactly what is missing.
set -eu
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "web tests: installing Debian's chromium (once)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "web tests: no chromium at $CHROMIUM. Install it (apt-get install -y chromium) or set CHROMIUM_PATH." >&2
exit 1
