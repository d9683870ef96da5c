#!/bin/bash
# Usage: dashboard-races.sh diff|same [ROUNDS]   (DAEMON, DASHBOARD, TOKEN_FILE; see docs/ENGINES.md, "Checking against the real dashboard")
# Races against the real dashboard: a daemon write and a dashboard save (from a page loaded before it) within ~50 ms.
# MODE=diff: the dashboard saves r2 while the daemon writes r1; MODE=same: both write r1.
set -u
MODE=$1; ROUNDS=${2:-20}
T=$(cat "${TOKEN_FILE:-./breakerbridge-data/admin.token}"); D=${DAEMON:-localhost:7070}; DB=${DASHBOARD:-127.0.0.1:8080}
enc() { python3 -c "import urllib.parse,sys;print(urllib.parse.quote(sys.argv[1],safe=''))" "$1"; }
put() { # app resource qps
  local U="$D/v1/thresholds/$1/$(enc "$2")"
  local E=$(curl -s -D - -o /dev/null "$U" -H "Authorization: Bearer $T" | grep -i '^etag' | tr -d '\r' | cut -d' ' -f2)
  if [ -n "$E" ]; then H="If-Match: $E"; else H='If-None-Match: *'; fi
  curl -s -o /dev/null -w '%{http_code}' -X PUT "$U" -H "Authorization: Bearer $T" -H 'Content-Type: application/json' -H "$H" -d "{\"rateLimits\":[{\"maxQps\":$3}]}"
}
qps() { curl -s "$D/v1/thresholds/$1/$(enc "$2")" -H "Authorization: Bearer $T" | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['rateLimits'][0]['maxQps'] if d.get('rateLimits') else None)"; }
lost=0; kept=0; held=0; said=0
for i in $(seq 1 $ROUNDS); do
  APP=race-$MODE-$i-$RANDOM
  put $APP GET:/r1 10 >/dev/null; put $APP GET:/r2 10 >/dev/null; sleep 2
  PAGE=$(curl -s "$DB/v2/flow/rules?app=$APP")
  TARGET=$([ $MODE = diff ] && echo GET:/r2 || echo GET:/r1)
  R=$(echo "$PAGE" | python3 -c "import json,sys; r=[r for r in json.load(sys.stdin)['data'] if r['resource']=='$TARGET'][0]; r['count']=$((30+i)); print(json.dumps(r))")
  ID=$(echo "$R" | python3 -c "import json,sys; print(json.load(sys.stdin)['id'])")
  CODE=$(put $APP GET:/r1 $((20+i))) &
  sleep 0.0$((RANDOM % 5))
  curl -s -o /dev/null -X PUT "$DB/v2/flow/rule/$ID" -H 'Content-Type: application/json' -d "$R"
  wait
  sleep 5
  R1=$(qps $APP GET:/r1); R2=$(qps $APP GET:/r2)
  EV=$(curl -s $D/v1/sync/events -H "Authorization: Bearer $T" | python3 -c "import json,sys; print(len([e for e in json.load(sys.stdin) if e['service']=='$APP' and e['kind'] in ('conflict','stale_write','overwrite')]))")
  HC=$(curl -s $D/v1/conflicts -H "Authorization: Bearer $T" | python3 -c "import json,sys; print(len([c for c in json.load(sys.stdin) if c['service']=='$APP']))")
  if [ "$R1" = "$((20+i))" ] || [ "$R1" = "$((20+i)).0" ]; then daemon=kept; else daemon=changed; fi
  if [ $MODE = diff ]; then dash=$([ "$R2" = "$((30+i))" ] || [ "$R2" = "$((30+i)).0" ] && echo kept || echo changed); else dash=-; fi
  echo "round $i $APP: r1=$R1 r2=$R2 daemon-write=$daemon dashboard-write=$dash events=$EV held=$HC"
  if [ $daemon = changed ] && [ "$EV" = 0 ] && [ "$HC" = 0 ]; then lost=$((lost+1)); fi
  if [ $MODE = diff ] && [ $daemon = kept ] && [ $dash = kept ]; then kept=$((kept+1)); fi
done
echo "MODE=$MODE rounds=$ROUNDS accepted daemon writes lost without a held conflict or event: $lost; both kept: $kept"
