#!/usr/bin/env bash
# Proves the headless install: a temp copy with only package.json, the lockfile and the built output
# (out/server + out/web), `npm ci --omit=dev --ignore-scripts`, then `npm run demo` must answer /healthz,
# `npm run sandbox` must answer, and `npm run mcp:stdio` must refuse missing settings with exit 2.
# Usage: scripts/proveServerBuild.sh [node binary] (default: node on PATH). Needs `npm run build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
node_bin="${1:-node}"
[ -f out/server/serve.js ] || { echo "proveServerBuild: out/server/serve.js missing: run npm run build:server" >&2; exit 1; }

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

cp package.json package-lock.json "$work/"
mkdir -p "$work/out"
cp -r out/server out/web "$work/out/"
(cd "$work" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline >/dev/null)
count="$(find "$work/node_modules" -name package.json -path '*/node_modules/*/package.json' -not -path '*/node_modules/*/node_modules/*/*' | wc -l)"
for dev in tsx vite typescript vitest electron; do
  [ ! -e "$work/node_modules/$dev" ] || { echo "proveServerBuild: dev dependency $dev was installed" >&2; exit 1; }
done

# Picks a free loopback port from the kernel.
free_port() { "$node_bin" -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
wait_for() { # url, seconds, [any: any HTTP answer will do]
  local deadline=$((SECONDS + $2))
  until "$node_bin" -e "fetch(process.argv[1]).then(r=>process.exit(r.ok||process.argv[2]==='any'?0:1),()=>process.exit(1))" "$1" "${3:-}"; do
    [ $SECONDS -lt $deadline ] || { echo "proveServerBuild: no answer from $1 in $2 s" >&2; return 1; }
    sleep 0.2
  done
}

gw="$(free_port)"; mcp="$(free_port)"; sb="$(free_port)"
export PATH="$(dirname "$(command -v "$node_bin")"):$PATH"
(cd "$work" && ANTHROPIC_API_KEY= npm run demo --silent -- --port "$gw" --mcp-port "$mcp" --no-mdns --data-dir "$work/data" >"$work/demo.log" 2>&1) &
pids+=($!)
(cd "$work" && npm run sandbox --silent -- --port "$sb" >"$work/sandbox.log" 2>&1) &
pids+=($!)
wait_for "http://127.0.0.1:$gw/healthz" 30 || { cat "$work/demo.log" >&2; exit 1; }
health="$("$node_bin" -e "fetch(process.argv[1]).then(r=>r.json()).then(h=>console.log(h.status+' '+h.mode))" "http://127.0.0.1:$gw/healthz")"
[ "$health" = "ok sandbox" ] || { echo "proveServerBuild: /healthz said: $health" >&2; exit 1; }
wait_for "http://127.0.0.1:$sb/me" 30 any || { cat "$work/sandbox.log" >&2; exit 1; }
set +e
(cd "$work" && env -u TALLYFY_API_KEY -u TALLYFY_ORG_ID npm run mcp:stdio --silent </dev/null >/dev/null 2>"$work/stdio.log")
code=$?
set -e
[ "$code" = 2 ] || { echo "proveServerBuild: mcp:stdio without settings exited $code, expected 2" >&2; cat "$work/stdio.log" >&2; exit 1; }
echo "== server build runs on $("$node_bin" --version) with production dependencies only ($count packages): /healthz ok, sandbox ok, mcp:stdio ok"
