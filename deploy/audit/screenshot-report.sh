#!/usr/bin/env bash
# Render an auditor's report (from `wirkung audit report`) in headless Chromium and save a
# PNG screenshot of its first screen: the chain verification and the first charts.
#
#   deploy/audit/screenshot-report.sh report.html [report.png] [WIDTHxHEIGHT]
#
# Needs Chromium (`make install-dev` installs Debian's `chromium` when it is missing, or
# `apt-get install --no-install-recommends chromium`). The report is a local file with no
# script and no external resource, so the browser runs without its sandbox and offline.
set -euo pipefail

report=${1:?usage: $0 report.html [report.png] [WIDTHxHEIGHT]}
out=${2:-${report%.html}.png}
size=${3:-1280x1400}

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [[ -z $browser ]]; then
    echo "$0: no Chromium found; install it: apt-get install --no-install-recommends chromium" >&2
    exit 2
fi
[[ -f $report ]] || { echo "$0: no file $report" >&2; exit 2; }

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$profile" --window-size="${size/x/,}" \
    --screenshot="$(realpath -m "$out")" "file://$(realpath "$report")" >/dev/null 2>&1
[[ -s $out ]] || { echo "$0: Chromium wrote no screenshot" >&2; exit 1; }
echo "$out"
