#!/usr/bin/env bash
# verify-anchor.sh [--profile P] [--format json|table] [--batch ID]
# Verifies the stored anchor receipts of a profile (or of one batch) at their rails through `vm audit
# verify`, with VERIFY_ENFORCE forced on so that any failed anchor fails the run.
# Exit codes: 0 every checked anchor verifies, 1 one did not (or vm failed), 2 usage error.
# vm is the installed one on PATH, else the launcher of the checkout this script lives in
# (VAULTMESH_VM names another). See docs/operations.md.
set -euo pipefail

usage() {
  echo "usage: verify-anchor.sh [--profile P] [--format json|table] [--batch ID]" >&2
  exit 2
}

profile=""
format="table"
batch=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --profile) if [ "$#" -lt 2 ] || [ -z "$2" ]; then usage; fi; profile=$2; shift 2 ;;
    --format) if [ "$#" -lt 2 ]; then usage; fi; format=$2; shift 2 ;;
    --batch) if [ "$#" -lt 2 ] || [ -z "$2" ]; then usage; fi; batch=$2; shift 2 ;;
    -h|--help) echo "usage: verify-anchor.sh [--profile P] [--format json|table] [--batch ID]"; exit 0 ;;
    *) echo "verify-anchor: unknown argument '$1'" >&2; usage ;;
  esac
done
case "$format" in
  json|table) ;;
  *) echo "verify-anchor: --format must be json or table, not '$format'" >&2; usage ;;
esac

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
vm=${VAULTMESH_VM:-}
if [ -z "$vm" ]; then
  if command -v vm >/dev/null 2>&1; then
    vm=$(command -v vm)
  elif [ -x "$here/../../bin/vm" ]; then
    vm="$here/../../bin/vm"
  else
    echo "verify-anchor: no vm found on PATH or at $here/../../bin/vm; run build.ps1 -Task Install." >&2
    exit 1
  fi
fi

args=()
if [ -n "$profile" ]; then args+=(--profile "$profile"); fi
args+=(audit verify --detailed --format "$format")
if [ -n "$batch" ]; then args+=(--batch "$batch"); fi

set +e
VERIFY_ENFORCE=1 "$vm" "${args[@]}"
code=$?
set -e
case "$code" in
  0) exit 0 ;;
  2) echo "verify-anchor: vm rejected the arguments (exit 2)" >&2; exit 1 ;;
  *) echo "verify-anchor: at least one anchor did not verify (vm exit $code)" >&2; exit 1 ;;
esac
