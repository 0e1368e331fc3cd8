#!/usr/bin/env bash
# The whole chain on the embedded sample, with no arguments:
#   generate-sample -> shard -> train-teacher -> cache-teacher -> distill (baseline + KD) -> evaluate
# Builds distill4j first when needed, prints where it wrote its outputs and ends with the
# comparison table. Arguments pass through (e.g. --conf conf/coco-det.conf, work-dir=/tmp/d4j).
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
conf=()
[[ " $* " == *" --conf "* || " $* " == *" --conf="* ]] || conf=(--conf "$here/../conf/sample-local.conf")
exec "$here/distill4j" pipeline "${conf[@]}" "$@"
