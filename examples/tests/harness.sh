# Shared by the example test scripts (sourced): runs from the repository
# root, counts results, and ends with the "N passed, N failed" line.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-$PWD/build}
EX=$BUILD/examples
pass=0; fail=0
ok()  { pass=$((pass + 1)); echo "PASS: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
summary() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
