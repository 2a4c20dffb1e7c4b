#!/usr/bin/env bash
# Prints the path of a promtool (Prometheus's rule checker and rule unit-test runner), for the
# chart's alert tests. In order: $ZW_PROMTOOL, a promtool on PATH, the copy cached by an earlier
# run, or promtool taken out of Debian's prometheus package: `apt-get download` and
# `dpkg-deb -x` need no root and install nothing else (`apt-get install prometheus` would add a
# Prometheus server, its service and ~100 MB of dependencies for this one binary).
#
#   scripts/fetch-promtool.sh            # as any user; fails when apt's package lists are missing
#   scripts/fetch-promtool.sh --update   # may run `apt-get update` first (root, as in CI)
#
# Exit status 0 with the path on stdout, else non-zero with the reason on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

cache="node_modules/.cache/zen-watcher-promtool"

if [[ -n "${ZW_PROMTOOL:-}" ]]; then
  [[ -x "$ZW_PROMTOOL" ]] || { echo "ZW_PROMTOOL=$ZW_PROMTOOL is not an executable" >&2; exit 1; }
  echo "$ZW_PROMTOOL"; exit 0
fi
if command -v promtool >/dev/null 2>&1; then command -v promtool; exit 0; fi
if [[ -x "$cache/promtool" ]]; then echo "$PWD/$cache/promtool"; exit 0; fi

for tool in apt-get dpkg-deb; do
  command -v "$tool" >/dev/null 2>&1 || { echo "no promtool, and no $tool to take it from Debian's prometheus package" >&2; exit 2; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
download() { (cd "$work" && apt-get download -q prometheus >"$work/apt.log" 2>&1); }
if ! download; then
  if [[ "${1:-}" == "--update" && "$(id -u)" == 0 ]]; then
    apt-get update -q >"$work/update.log" 2>&1 || { cat "$work/update.log" >&2; echo "apt-get update failed" >&2; exit 1; }
    download || { cat "$work/apt.log" >&2; echo "apt-get download prometheus failed after apt-get update" >&2; exit 1; }
  else
    cat "$work/apt.log" >&2
    echo "apt-get download prometheus failed (are apt's package lists there? 'apt-get update' as root fetches them)" >&2
    exit 1
  fi
fi
dpkg-deb --fsys-tarfile "$work"/prometheus_*.deb | tar -x -C "$work" ./usr/bin/promtool
"$work/usr/bin/promtool" --version >/dev/null
mkdir -p "$cache"
# Atomic: a concurrent run sees no half-written binary.
mv "$work/usr/bin/promtool" "$cache/promtool.$$" && mv -f "$cache/promtool.$$" "$cache/promtool"
echo "$PWD/$cache/promtool"
