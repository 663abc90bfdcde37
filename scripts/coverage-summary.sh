#!/usr/bin/env bash
# Prints one line per Maven module with its line coverage, read from the JaCoCo CSV report that
# 'mvn verify' writes to <module>/target/site/jacoco/jacoco.csv, plus the minimum the module's pom
# enforces (coverage.line.minimum; 0 means not enforced yet). Run after the tests (.ci/run does).
set -euo pipefail
cd "$(dirname "$0")/.."

# Module directories in reactor order, as the parent pom lists them.
modules=$(sed -n 's|^ *<module>\([^<]*\)</module>.*|\1|p' pom.xml)

for module in $modules; do
  csv="$module/target/site/jacoco/jacoco.csv"
  minimum=$(sed -n 's|.*<coverage.line.minimum>\([^<]*\)</coverage.line.minimum>.*|\1|p' "$module/pom.xml" | head -n 1)
  if [ ! -f "$csv" ]; then
    # A module with no Java code of its own (docker/) has nothing to cover.
    [ -d "$module/src/main/java" ] || continue
    echo "coverage $module: no report (no test ran)"
    continue
  fi
  # Columns: GROUP,PACKAGE,CLASS,INSTRUCTION_MISSED,INSTRUCTION_COVERED,BRANCH_MISSED,BRANCH_COVERED,
  # LINE_MISSED,LINE_COVERED,... (header checked so a format change fails loudly, not silently).
  awk -F, -v module="$module" -v minimum="${minimum:-0}" '
    NR == 1 {
      if ($8 != "LINE_MISSED" || $9 != "LINE_COVERED") {
        printf "coverage %s: unexpected header in %s\n", module, FILENAME > "/dev/stderr"
        exit 2
      }
      next
    }
    { missed += $8; covered += $9 }
    END {
      total = missed + covered
      enforced = (minimum + 0 > 0) ? sprintf(", minimum %.0f%%", minimum * 100) : ""
      if (total == 0) printf "coverage %s: no lines%s\n", module, enforced
      else printf "coverage %s: line %.1f%% (%d/%d)%s\n", module, 100 * covered / total, covered, total, enforced
    }' "$csv"
done
