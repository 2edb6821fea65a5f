# Run before the README blocks by scripts/doc-test.ts: strict mode, the answer checks, the mocks
# started in the background and their end.
set -Eeuo pipefail
__H="$DOCTEST_DIR/last-headers"; __B="$DOCTEST_DIR/last-body"; : >"$__H"; : >"$__B"
# Every curl leaves its answer's headers and body for the checks; what it prints is unchanged.
curl() { local rc=0; command curl -D "$__H" "$@" >"$__B" || rc=$?; cat "$__B"; return $rc; }
__expect_status() {
  local got; got=$(sed -n 's/^HTTP\/[0-9.]* \([0-9][0-9][0-9]\).*/\1/p' "$__H" | tail -1)
  if [ "$got" != "$2" ]; then
    echo "@@doctest $1: the README shows $2, the answer was ${got:-none}: $(head -c 400 "$__B")"; exit 1
  fi
  if [ -n "$3" ] && ! grep -q -- "$3" "$__B"; then
    echo "@@doctest $1: the README shows $2 $3, the answer was: $(head -c 400 "$__B")"; exit 1
  fi
}
__expect_json() {
  node -e 'const fs = require("fs"); const want = JSON.parse(process.argv[1]);
    const body = fs.readFileSync(process.argv[2], "utf8").trim();
    const has = (a, b) => typeof b !== "object" || b === null ? a === b
      : Array.isArray(b) ? Array.isArray(a) && b.every((x, i) => has(a[i], x))
      : typeof a === "object" && a !== null && Object.keys(b).every((k) => has(a[k], b[k]));
    let got; try { got = JSON.parse(body); } catch { got = undefined; }
    if (!has(got, want)) { console.log("@@doctest " + process.argv[3] + ": the README shows " + process.argv[1] + ", the answer was: " + body.slice(0, 400)); process.exit(1); }' \
    "$2" "$__B" "$1"
}
__serve() {
  local port=$1 scheme=$2; shift 2
  set -m; "$@" >"$DOCTEST_DIR/server-$port.log" 2>&1 & local pid=$!; set +m
  echo "$pid" >>"$DOCTEST_DIR/pids"
  for _ in $(seq 1 300); do
    command curl -sk -o /dev/null "$scheme://127.0.0.1:$port/__mock/health" && return 0
    if ! kill -0 "$pid" 2>/dev/null; then echo "@@doctest the mock on port $port exited: $(tail -c 600 "$DOCTEST_DIR/server-$port.log")"; return 1; fi
    sleep 0.1
  done
  echo "@@doctest the mock on port $port did not answer within 30 s"; return 1
}
__stop() { if [ -f "$DOCTEST_DIR/pids" ]; then while read -r p; do kill -- "-$p" 2>/dev/null || true; done <"$DOCTEST_DIR/pids"; fi; }
trap __stop EXIT
trap 'echo "@@doctest-line $LINENO"' ERR
