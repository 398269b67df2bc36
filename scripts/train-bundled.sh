#!/usr/bin/env bash
# Trains the two bundled models from scratch, as they were trained for resources/ (run once, results committed):
#   resources/model          the digit model: the notebook's LeNet-5 (61,706 parameters) with elastic distortions,
#                            stroke width, slant and scale (scripts/bundled-digit-spec.json; seed 7, 30 epochs)
#   resources/reading-model  the reading model: LeNet-5 with an eleventh output, "not one digit", learnt from
#                            generated pieces (`--preset reading`; seed 11, 30 epochs)
# Each run's Keras-style log goes to docs/bundled/. About 5 minutes each on 2 idle cores (wasm backend).
#   bash scripts/train-bundled.sh [OUT]     (OUT: where the runs go; default a temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-$(mktemp -d)}"
npm run --silent cli -- train --spec scripts/bundled-digit-spec.json --out "$out/runs-digit" --export resources/model | tee docs/bundled/digit-train.txt
npm run --silent cli -- train --preset reading --out "$out/runs-reading" --export resources/reading-model | tee docs/bundled/reading-train.txt
