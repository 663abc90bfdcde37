#!/usr/bin/env bash
# Every @SuppressWarnings in Java sources needs a reason: a '//' comment on the same line or on the
# line just above it. Prints each offender as file:line and fails when there is one.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
while IFS= read -r -d '' file; do
  awk '
    /@SuppressWarnings/ && $0 !~ /\/\// && previous !~ /^[[:space:]]*\/\// {
      printf "%s:%d: @SuppressWarnings without a one-line reason (a // comment on this line or the one above)\n", FILENAME, FNR
      bad = 1
    }
    { previous = $0 }
    END { exit bad }' "$file" || status=1
done < <(find . -path ./.git -prune -o -path '*/target' -prune -o -name '*.java' -print0)
exit $status
