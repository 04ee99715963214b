#!/bin/sh
# make demo: real pipelines on the bundled example data; pictures go to demo/.
set -eu
cd "$(dirname "$0")/.."
PATH=$(pwd)/bin:$PATH
mkdir -p demo
echo "emb-info on a stream made from the bundled GloVe words:"
