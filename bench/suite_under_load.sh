#!/usr/bin/env bash
# Run the test suite N times (default 3) while two spinning processes keep both cores busy.
set -u
cd "$(dirname "$0")/.."
python3 -c 'while True: pass' & busy1=$!
python3 -c 'while True: pass' & busy2=$!
trap 'kill $busy1 $busy2 2>/dev/null' EXIT
status=0
for run in $(seq 1 "${1:-3}"); do
  start=$(date +%s)
  .venv/bin/pytest -q -n 2 > "/tmp/pingan-loaded-$run.log" 2>&1 || status=1
  echo "run $run: $(( $(date +%s) - start )) s: $(tail -1 "/tmp/pingan-loaded-$run.log")"
done
exit $status
