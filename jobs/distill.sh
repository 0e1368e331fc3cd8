#!/usr/bin/env bash
# Runs the distill stage; arguments pass through (see `jobs/distill4j distill --help`).
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/distill4j" distill "$@"
