#!/usr/bin/env bash
# The README's walkthrough, runnable as written: a text adapter from tenant to rollback, backbone
# selection and switching, then an image adapter. Every request states the status it expects; any
# other status stops the script with the problem+json the server sent. CI runs it against
# `npm start`'s dev server (test/examples/examples.test.ts).
#
#   npm start &                        # or: wrangler dev
#   examples/walkthrough.sh            # BASE=http://localhost:8787 ADMIN_TOKEN=dev-admin-token
#
# Needs curl, jq and node (for the pictures of the image flow).
set -euo pipefail

BASE=${BASE:-http://localhost:8787}
ADMIN_TOKEN=${ADMIN_TOKEN:-dev-admin-token}
HERE=$(cd "$(dirname "$0")" && pwd)
for tool in curl jq node; do
  command -v "$tool" >/dev/null || { echo "walkthrough: $tool is required" >&2; exit 2; }
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# call STATUS METHOD PATH [curl args…]: prints the response body; exits unless the status is STATUS.
call() {
  local expected=$1 method=$2 path=$3 status
  shift 3
  status=$(curl -sS -o "$WORK/body" -w '%{http_code}' -X "$method" "$BASE$path" "$@")
  if [[ $status != "$expected" ]]; then
    echo "✗ $method $path answered $status, expected $expected:" >&2
    cat "$WORK/body" >&2
    echo >&2
    exit 1
  fi
  cat "$WORK/body"
}

step() { printf '\n▶ %s\n' "$*"; }

# follow JOB: follows the job's server-sent events (each one is the whole job as JSON) and prints
# its status and progress when they change, until it ends; exits unless it succeeded.
follow() {
  local job=$1 ended
  curl -sSN --max-time 600 "$BASE/v1/jobs/$job/events" -H "$AUTH" |
    jq --unbuffered -Rr 'select(startswith("data: ")) | .[6:] | fromjson |
      "  \(.status) \(.progress.stage // "") \(.progress.fraction * 100 | floor)%"' |
    uniq
  ended=$(call 200 GET "/v1/jobs/$job" -H "$AUTH" | jq -r .status)
  if [[ $ended != succeeded ]]; then
    echo "✗ job $job ended $ended:" >&2
    call 200 GET "/v1/jobs/$job" -H "$AUTH" | jq -c .error >&2
    exit 1
  fi
}

JSON='content-type: application/json'
ADMIN="authorization: Bearer $ADMIN_TOKEN"

step "Backbones this deployment serves"
call 200 GET /v1/backbones | jq -c '.backbones[] | {id, modality, dim}'

step "A tenant and its API key (the key is shown once)"
TENANT=$(call 201 POST /v1/tenants -H "$ADMIN" -H "$JSON" -d '{"name":"acme"}' | jq -r .id)
KEY=$(call 201 POST "/v1/tenants/$TENANT/keys" -H "$ADMIN" | jq -r .key)
AUTH="authorization: Bearer $KEY"
echo "tenant $TENANT"

step "Embed two texts with a frozen backbone"
call 200 POST /v1/embed -H "$AUTH" -H "$JSON" \
  -d '{"backbone":"use-lite","inputs":["a kitten sleeping","a cat napping"]}' |
  jq -c '{backbone, dim, layer, vectors: (.embeddings | length)}'

# On the recommended start for texts: lexical's compact n-grams beside use-lite's encoder-mean.
step "A text adapter and 4 samples for each of 3 labels (training needs 3 per label)"
ADAPTER=$(call 201 POST /v1/adapters -H "$AUTH" -H "$JSON" \
  -d '{"name":"topics","backbone":"lexical:ngrams-1024+use-lite:encoder-mean","headType":"logistic"}' | jq -r .id)
call 201 POST "/v1/adapters/$ADAPTER/samples" -H "$AUTH" -H "$JSON" -d '{"samples": [
  {"input": "the striker scored in extra time", "label": "sport"},
  {"input": "the keeper saved a penalty", "label": "sport"},
  {"input": "she won the marathon in record time", "label": "sport"},
  {"input": "the team lost the final on penalties", "label": "sport"},
  {"input": "simmer the sauce for ten minutes", "label": "cooking"},
  {"input": "whisk the eggs with a pinch of salt", "label": "cooking"},
  {"input": "bake the bread until golden brown", "label": "cooking"},
  {"input": "chop the onions and fry them in butter", "label": "cooking"},
  {"input": "shares fell after the earnings call", "label": "finance"},
  {"input": "the central bank raised interest rates", "label": "finance"},
  {"input": "bond yields climbed on inflation fears", "label": "finance"},
  {"input": "the company reported record quarterly profit", "label": "finance"}
]}' | jq -c '{added, counts: [.counts.labels[] | "\(.label): \(.count)"]}'

step "Train (a job: follow it over SSE), then predict"
JOB=$(call 202 POST "/v1/adapters/$ADAPTER/train" -H "$AUTH" -H "$JSON" \
  -d '{"headType":"logistic"}' | jq -r .id)
follow "$JOB"
call 200 GET "/v1/jobs/$JOB" -H "$AUTH" | jq -c '{status, version, steps: .steps.steps}'
call 200 POST "/v1/adapters/$ADAPTER/predict?topK=2" -H "$AUTH" -H "$JSON" \
  -d '{"inputs":["a late goal won the match"]}' |
  jq -c '.predictions[0] as $p | {version: .version, label: $p.label,
    topK: [$p.topK[] | {label: .label, probability: (.probability * 10000 | round / 10000)}]}'

step "Train again with another head; \"activate\": true makes the new version serve"
JOB=$(call 202 POST "/v1/adapters/$ADAPTER/train" -H "$AUTH" -H "$JSON" \
  -d '{"headType":"prototype","activate":true}' | jq -r .id)
follow "$JOB"
call 200 GET "/v1/adapters/$ADAPTER/versions" -H "$AUTH" |
  jq -c '.versions[] | {version, headType, active, heldOutAccuracy: .report.evaluation.accuracy.value}'

step "Roll back to version 1"
call 200 POST "/v1/adapters/$ADAPTER/versions/1/activate" -H "$AUTH" | jq -c '{version, active}'
SERVING=$(call 200 POST "/v1/adapters/$ADAPTER/predict" -H "$AUTH" -H "$JSON" \
  -d '{"inputs":["whisk the cream"]}' | jq .version)
echo "predictions now come from version $SERVING"
[[ $SERVING == 1 ]] || { echo "✗ expected version 1 to serve after the rollback" >&2; exit 1; }

step "Which backbone and cut layer suit these samples? (a selection job)"
SELECTION=$(call 202 POST "/v1/adapters/$ADAPTER/select" -H "$AUTH" -H "$JSON" \
  -d '{"folds":3}' | jq -r .id)
follow "$SELECTION"
REPORT=$(call 200 GET "/v1/jobs/$SELECTION" -H "$AUTH" | jq .report)
jq -c '.candidates[] | {id, rank, nearTie,
  macroF1: (.metrics.crossValidatedMacroF1.mean | if . == null then null else . * 1000 | round / 1000 end)}' <<<"$REPORT"
PICK=$(jq -r '.recommendation.backbone + "/" + .recommendation.layer' <<<"$REPORT")
CURRENT=$(jq -r '.current.backbone + "/" + .current.layer' <<<"$REPORT")
echo "recommended: $PICK (current: $CURRENT)"

step "Apply the pick: re-embed the retained samples, train, publish an active version"
if [[ $PICK == "$CURRENT" ]]; then
  # Nothing to switch to: the server says so with a 409, and the adapter stays as it is.
  call 409 POST "/v1/adapters/$ADAPTER/select/apply" -H "$AUTH" -H "$JSON" \
    -d "{\"jobId\":\"$SELECTION\"}" | jq -c '{status, type}'
else
  SWITCH=$(call 202 POST "/v1/adapters/$ADAPTER/select/apply" -H "$AUTH" -H "$JSON" \
    -d "{\"jobId\":\"$SELECTION\"}" | jq -r .id)
  follow "$SWITCH"
  call 200 GET "/v1/adapters/$ADAPTER" -H "$AUTH" | jq -c '{backbone, layer}'
fi

step "Images: an adapter on mobilenet-v2, multipart uploads (PNG and JPEG), train, predict a 2048×1536 photo"
node "$HERE/make-pictures.mjs" "$WORK/pictures"
P=$WORK/pictures
IMAGES=$(call 201 POST /v1/adapters -H "$AUTH" -H "$JSON" \
  -d '{"name":"scenes","backbone":"mobilenet-v2","headType":"logistic"}' | jq -r .id)
call 201 POST "/v1/adapters/$IMAGES/samples" -H "$AUTH" -F label=sunset \
  -F inputs=@"$P/sunset-1.png" -F inputs=@"$P/sunset-2.png" \
  -F inputs=@"$P/sunset-3.jpg" -F inputs=@"$P/sunset-4.jpg" | jq -c '{added}'
call 201 POST "/v1/adapters/$IMAGES/samples" -H "$AUTH" \
  -F inputs=@"$P/sea-1.png" -F labels=sea -F inputs=@"$P/sea-2.png" -F labels=sea \
  -F inputs=@"$P/sea-3.jpg" -F labels=sea -F inputs=@"$P/sea-4.jpg" -F labels=sea |
  jq -c '{added, counts: [.counts.labels[] | "\(.label): \(.count)"]}'
JOB=$(call 202 POST "/v1/adapters/$IMAGES/train" -H "$AUTH" | jq -r .id)
follow "$JOB"
call 200 POST "/v1/adapters/$IMAGES/predict" -H "$AUTH" -F inputs=@"$P/query.jpg" |
  jq -c '.predictions[0] as $p | {version: .version, label: $p.label,
    probabilities: ($p.probabilities | map_values(. * 10000 | round / 10000))}'

printf '\n✓ walkthrough finished\n'
