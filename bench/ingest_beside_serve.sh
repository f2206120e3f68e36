#!/usr/bin/env bash
# Two overlapping `vnpos ingest` runs of 50 news articles each beside a running
# `vnpos serve` polled every second, then `vnpos check`.
#   bash bench/ingest_beside_serve.sh [WORK_DIR] [PORT]
# Prints the ingest summaries, the consistency check and the search status codes.
set -eu
WORK=${1:-data/bench/beside-serve}
PORT=${2:-8765}
SHARED=${VNPOS_SHARED_DIR:-../shared}
BIN=.venv/bin
rm -rf "$WORK" && mkdir -p "$WORK"
$BIN/python - "$WORK" "$SHARED" <<'PY'
import sys
from pathlib import Path
from bench.ingest_news import read_articles, write_articles
work, shared = Path(sys.argv[1]), Path(sys.argv[2])
articles = read_articles(shared / "bench-data" / "news-vi-baomoi-2017", 100)
for name, part in (("first", articles[:50]), ("second", articles[50:])):
    (work / name).mkdir()
    write_articles(part, work / name)
PY
export VNPOS_DATA_DIR=$WORK/data VNPOS_PORT=$PORT
$BIN/vnpos ingest corpus/
$BIN/vnpos serve > "$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 120); do curl -sf "localhost:$PORT/healthz" > /dev/null && break; sleep 1; done
( while kill -0 $SERVER 2> /dev/null; do
    curl -s -o /dev/null -w '%{http_code}\n' "localhost:$PORT/api/search" \
      -H 'content-type: application/json' -d '{"query": "kinh tế Việt Nam"}' >> "$WORK/statuses"
    sleep 1
  done ) &
$BIN/vnpos ingest "$WORK/first" &
FIRST=$!
$BIN/vnpos ingest "$WORK/second"
wait $FIRST
kill $SERVER; wait $SERVER || true
$BIN/vnpos check || true
echo "search statuses:"; sort "$WORK/statuses" | uniq -c
