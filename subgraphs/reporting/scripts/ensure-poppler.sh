#!/bin/sh
# The report tests turn each template's first page into a PNG with Debian's pdftoppm (poppler-utils).
# On a fresh machine of the project's kind it is not installed yet: install it when we can (root +
# apt-get), otherwise say exactly what is missing.
set -eu
command -v pdftoppm >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "report tests: installing Debian's poppler-utils (once)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
  exit 0
fi
echo "report tests: no pdftoppm. Install it (apt-get install -y poppler-utils)." >&2
exit 1
