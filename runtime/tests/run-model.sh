#!/usr/bin/env bash
# run-model.sh BIN PERCENT: the model-based test under several engine
# configurations (poll modes, service thread counts, segment sizes, one and
# several client threads, absorption on and off). PERCENT scales the sequence
# counts (100 = as listed).
# Ends with the summed "N passed, N failed".
set -u
bin=$1; pct=${2:-100}
P=0; F=0
run() { # options threads sequences seed
  local out
  out=$(COPIER_OPTIONS="$1" "$bin" -t "$2" -n $(( ($3 * pct + 99) / 100 )) -s "$4" 2>&1)
  echo "$out" | grep -v '^[0-9]* passed' | sed "s|^|[$1 t=$2] |"
  local line; line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
  if [ -z "$line" ]; then echo "[$1 t=$2] crashed or printed no result"; F=$((F+1)); return; fi
  P=$((P + $(echo "$line" | cut -d' ' -f1))); F=$((F + $(echo "$line" | cut -d' ' -f3)))
}
base="segment=4096:sync_below=512:adaptive=0:wake_above=0"
run "$base:poll=spin_sleep" 1 1500 11
run "$base:poll=spin" 1 800 12
run "$base:poll=sleep" 1 800 13
run "$base:poll=spin:threads=2" 2 400 14
run "$base:poll=spin_sleep" 4 300 15
run "segment=16k:sync_below=2k:adaptive=1" 2 300 16
run "$base:poll=spin_sleep:absorb=0" 1 300 17
echo "$P passed, $F failed"
