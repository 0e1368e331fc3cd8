#!/usr/bin/env bash
# Runs the train-teacher stage; arguments pass through (see `jobs/distill4j train-teacher --help`).
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/distill4j" train-teacher "$@"
