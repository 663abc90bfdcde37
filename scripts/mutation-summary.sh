#!/usr/bin/env bash
# Prints one line per Maven module that opts into mutation testing (<mutation.skip>false</mutation.skip>
# in its pom) with its PIT mutation score, read from <module>/target/pit-reports/mutations.xml, which
# 'make mutation' (mvn -Pmutation verify) writes. Killed counts every mutant a test detected (killed,
# timed out, memory or run error), total every mutant PIT made, uncovered ones included: the score
# PIT itself prints. A module that sets <mutation.ci>false</mutation.ci> is left out of 'make mutation'
# (CI); its line says so, or gives the score of the last 'make mutation-full' when one ran here.
set -euo pipefail
cd "$(dirname "$0")/.."

modules=$(sed -n 's|^ *<module>\([^<]*\)</module>.*|\1|p' pom.xml)

for module in $modules; do
  grep -q '<mutation.skip>false</mutation.skip>' "$module/pom.xml" 2>/dev/null || continue
  xml="$module/target/pit-reports/mutations.xml"
  missing="no report (run make mutation)"
  note=""
  if grep -q '<mutation.ci>false</mutation.ci>' "$module/pom.xml"; then
    missing="not in CI's set (make mutation-full runs it)"
    note=" (make mutation-full only)"
  fi
  if [ ! -f "$xml" ]; then
    echo "mutation $module: $missing"
    continue
  fi
  # One <mutation ...> element per mutant; detected='true' on the ones a test caught.
  total=$( (grep -o "<mutation " "$xml" || true) | wc -l)
  killed=$( (grep -o "<mutation detected='true'" "$xml" || true) | wc -l)
  if [ "$total" -eq 0 ]; then
    echo "mutation $module: no mutants"
  else
    awk -v m="$module" -v k="$killed" -v t="$total" \
      -v n="$note" 'BEGIN { printf "mutation %s: %.0f%% (%d/%d)%s\n", m, 100 * k / t, k, t, n }'
  fi
done
