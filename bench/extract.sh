#!/usr/bin/env bash
# Benchmark `docmock extract` on a generated site of fenced-style Markdown pages (issue 11):
# endpoints in headings, a curl request, status headings with JSON example blocks (one with
# elided fields), a parameter table and a definition list. Prints pages per second and
# fixtures per second of the best of ROUNDS runs (other load on a shared machine only ever
# slows a run down). Then one page holding ENDPOINTS endpoints (a single-page API reference),
# fenced and `<snapshot>` style, `<snapshot>` with prose and a table per section, and without
# headings (`flat`), and the same at twice the size: x2 would be linear; each
# example is still checked against every declaration of its page (x4 is quadratic).
#
#   bench/extract.sh     # PAGES=5000 ROUNDS=3 ENDPOINTS=2000 DOCMOCK=target/release/docmock
set -euo pipefail

cd "$(dirname "$0")/.."
PAGES=${PAGES:-5000}
ROUNDS=${ROUNDS:-3}
ENDPOINTS=${ENDPOINTS:-2000}

# DOCMOCK=path/to/docmock measures another build instead.
if [ -z "${DOCMOCK:-}" ]; then
  cargo build --release --quiet --bin docmock
  DOCMOCK=target/release/docmock
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

for ((i = 0; i < PAGES; i++)); do
  cat >"$WORK/page-$i.md" <<PAGE
---
title: Widgets $i
---

# Widgets $i

| Method | Endpoint | Description |
|---|---|---|
| GET | \`/api/v1/widgets$i/{widget_id}\` | Show a widget |
| POST | \`/api/v1/widgets$i\` | Create a widget |

## GET /api/v1/widgets$i/{widget_id} {#show}

### Query parameters

| Name | Type | Required | Description |
|---|---|---|---|
| \`expand\` | string | | \`parts\` to include parts. |

\`\`\`sh
curl "https://api.example.com/api/v1/widgets$i/w_$i?expand=parts" \\
  -H "Authorization: Bearer token"
\`\`\`

#### 200: OK

\`\`\`json
{"id": "w_$i", "name": "Gear $i", "parts": [{"sku": "A-1"}, ...], "owner": {"name": "Ann", ...}}
\`\`\`

#### 404 Not Found

\`\`\`json
{"error": "not found"}
\`\`\`

## Create a widget — POST /api/v1/widgets$i

\`name\`
: {{< required >}} String. The name.

\`tags\`
: Array of String. Labels.

Example request:

\`\`\`http
POST /api/v1/widgets$i HTTP/1.1
Content-Type: application/json

{"name": "Gear $i", "tags": ["new"]}
\`\`\`

### Response 201

\`\`\`jsonc
{
  "id": "w_$i",
  "name": "Gear $i",
  // ...
}
\`\`\`

**Status: 422**

\`\`\`json
{"errors": {"name": ["can't be blank"]}}
\`\`\`
PAGE
done

best=""
for ((r = 1; r <= ROUNDS; r++)); do
  start=$(date +%s.%N)
  fixtures=$("$DOCMOCK" extract "$WORK" | wc -l)
  end=$(date +%s.%N)
  seconds=$(echo "$end - $start" | bc -l)
  printf 'round %d: %d pages, %d fixtures in %.2f s\n' "$r" "$PAGES" "$fixtures" "$seconds"
  if [[ -z "$best" ]] || (($(echo "$seconds < $best" | bc -l))); then best=$seconds; fi
done
printf 'docmock extract: %.0f pages/s, %.0f fixtures/s (best of %d rounds, %d pages)\n' \
  "$(echo "$PAGES / $best" | bc -l)" "$(echo "$fixtures / $best" | bc -l)" "$ROUNDS" "$PAGES"

# One page, `n` endpoints, in the style `$2` (fenced: a request fence and a status heading
# with a JSON block; snapshot: a request fence and a <snapshot> literal).
one_page() {
  local n=$1 style=$2 dir="$WORK/one-$2-$1"
  mkdir -p "$dir"
  {
    echo "# Reference"
    for ((i = 0; i < n; i++)); do
      if [ "$style" = flat ]; then
        # no headings: every declaration and example in one part of the page
        printf '\nReturns item %d.\n\n    GET /items%d/:id\n\n' "$i" "$i"
        printf '<Snapshot json={{request: {method: "GET", path: "/items%d/1"}, response: {status: 200, body: {id: 1}}}} />\n' "$i"
        continue
      fi
      printf '\n## Get item %d\n\n```http\nGET /v1/area/{id}/items%d HTTP/1.1\n```\n\n' "$i" "$i"
      if [ "$style" = prose ]; then
        # prose, a deprecation and a parameter table in each section
        printf 'Returns item %d. Deprecated: use `GET /v2/items%d` instead.\n\n' "$i" "$i"
        printf '| Name | Type | Description |\n|---|---|---|\n| id | integer | **Required**. The id. |\n\n'
      fi
      if [ "$style" = fenced ]; then
        printf '### 200 OK\n\n```json\n{"id": %d}\n```\n' "$i"
      else
        printf '<snapshot json={{\n  request: {request_method: "GET", path: "/v1/area/7/items%d"},\n  response: {status: 200, body: {id: %d}}\n}} />\n' "$i" "$i"
      fi
    done
  } >"$dir/reference.md"
  local best="" start end seconds
  for ((r = 1; r <= ROUNDS; r++)); do
    start=$(date +%s.%N)
    "$DOCMOCK" routes "$dir" >/dev/null
    end=$(date +%s.%N)
    seconds=$(echo "$end - $start" | bc -l)
    if [[ -z "$best" ]] || (($(echo "$seconds < $best" | bc -l))); then best=$seconds; fi
  done
  echo "$best"
}
for style in fenced snapshot prose flat; do
  one=$(one_page "$ENDPOINTS" "$style")
  two=$(one_page $((ENDPOINTS * 2)) "$style")
  printf 'one %s page: %d endpoints %.2f s, %d endpoints %.2f s (x%.1f for twice the endpoints)\n' \
    "$style" "$ENDPOINTS" "$one" $((ENDPOINTS * 2)) "$two" "$(echo "$two / $one" | bc -l)"
done
