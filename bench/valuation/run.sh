#!/usr/bin/env bash
# Valuation at scale (issue: 100 groups, 20 MB of training text, 1 MB of evaluation text, TMC-Shapley to a standard error
# below 5% of the largest value in under 10 minutes), then how the cost of one utility evaluation grows with the groups
# and the text. The text is this machine's documentation: Debian's /usr/share/doc and /usr/share/common-licenses.
#   bash bench/valuation/run.sh [GROUPS=100] [TRAIN_MB=20] [EVAL_MB=1] [ORDER=6]
set -euo pipefail
cd "$(dirname "$0")/../.."
GROUPS_=${1:-100}
TRAIN=${2:-20}
EVAL=${3:-1}
ORDER=${4:-6}
[ -f cli/target/cb4i.jar ] || mvn -B -q -DskipTests package
corpus="/usr/share/doc /usr/share/common-licenses"
echo "== $GROUPS_ groups, $TRAIN MB training, $EVAL MB evaluation, order $ORDER: TMC-Shapley to 5%"
/usr/bin/time -f "peak resident memory %M KB" java -Xmx4g -cp cli/target/cb4i.jar bench/valuation/ValueBench.java "$GROUPS_" "$TRAIN" "$EVAL" "$ORDER" tmc $corpus
echo "== how one utility evaluation and one group's add grow with the groups and the text (no TMC run)"
for size in "25 20" "50 20" "100 5" "100 10"; do
  set -- $size
  java -Xmx4g -cp cli/target/cb4i.jar bench/valuation/ValueBench.java "$1" "$2" "$EVAL" "$ORDER" cost $corpus | grep -E '^(model|utility|cost)'
done
