#!/usr/bin/env bash
# The augmentation table of README (docs/augmentation.md): conf/augment-sample.conf run once per
# teacher-view mode into one work directory, each run printing its comparison table.
# Arguments pass through to every run (e.g. work-dir=/tmp/aug 'pipeline.seeds=[1]').
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
conf=(--conf "$here/../conf/augment-sample.conf")
cwd='{ kind = "cwd", student-tap = "logits", teacher-output = "logits", weight = 1.0, tau = 4.0 }'
run() { "$here/pipeline.sh" "${conf[@]}" "$@"; }
run 'train.augment.scale=[1,1]' train.augment.hflip=0 distill.teacher-views=exact \
    "pipeline.students=[{run-id=baseline, terms=[]}, {run-id=cwd, terms=[$cwd]}]" "$@"
run "$@"
run distill.teacher-mode=online distill.teacher-views=exact "pipeline.students=[{run-id=cwd-online, terms=[$cwd]}]" "$@"
for k in 1 4 8; do
  run distill.teacher-views=exact cache.views-per-sample=$k 'cache.output=${distill4j.work-dir}"/teacher-cache-k'$k'"' \
      "pipeline.students=[{run-id=cwd-k$k, terms=[$cwd]}]" "$@"
done
