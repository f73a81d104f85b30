#!/usr/bin/env bash
# Settlement at scale (SPEC.md §15): collection of a member log of N entries over loopback against its floor
# (hashing the entries file once with openssl), and the close of a month of MEMBERS x LICENSEES.
#   bash bench/settlement/run.sh [N=1000000] [MEMBERS=10000] [LICENSEES=100]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000000}
MEMBERS=${2:-10000}
LICENSEES=${3:-100}
command -v openssl >/dev/null || { echo "needs openssl (the floor)"; exit 2; }
[ -f cli/target/cb4i.jar ] || mvn -B -q -DskipTests package
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== collection: one member log of $N entries, read and verified by the collector"
java -Xmx1g -cp cli/target/cb4i.jar bench/settlement/CollectBench.java "$work/collect" "$N"
echo "== settlement: $MEMBERS members x $LICENSEES licensees, closed"
java -Xmx1g -cp cli/target/cb4i.jar bench/settlement/SettleBench.java "$work/settle" "$MEMBERS" "$LICENSEES"
