#!/usr/bin/env bash
# Writes the golden render files the template tests compare against, from the sample templates,
# with the built command line. Run it only when a change to rendering is intended, then review
# the diff (git diff tests/data/templates) before committing it.
#   tests/data/update_golden.sh BUILD_DIR/app/launchdeck
set -euo pipefail

launchdeck=${1:?usage: $0 PATH-TO-launchdeck}
source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
samples=$source_dir/resources/sample/templates
golden=$source_dir/tests/data/templates

"$launchdeck" render "$samples/web-stack.yaml" --to kubernetes >"$golden/web-stack.kubernetes.yaml"
"$launchdeck" render "$samples/web-stack.yaml" --to compose >"$golden/web-stack.compose.yaml"
"$launchdeck" render "$samples/web-stack-compose.yaml" --to compose \
    >"$golden/web-stack-compose.compose.yaml"
git -C "$source_dir" diff --stat -- tests/data/templates
