#!/usr/bin/env bash
# Scaffolds the next numbered migration and registers it (append-only; see ARCHITECTURE.md).
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/new-migration.sh what_it_does}
[[ $name =~ ^[a-z0-9_]+$ ]] || { echo "use lower_snake_case for the name" >&2; exit 2; }
dir=src-tauri/core/src/store/migrations
last=$(ls "$dir" | sed -n 's/^\([0-9]\{4\}\)_.*\.sql$/\1/p' | sort | tail -1)
next=$(printf '%04d' $((10#${last:-0} + 1)))
file="$dir/${next}_${name}.sql"
printf -- '-- %s: what this migration does and why.\n' "$name" > "$file"
rs=src-tauri/core/src/store/migrations.rs
line="    M::up(include_str!(\"migrations/${next}_${name}.sql\")),"
# Insert as the last entry of STEPS (before its closing `];`, whatever rustfmt did to the
# entries above: a long file name wraps over several lines).
python3 - "$rs" "$line" <<'PY'
import sys
path, line = sys.argv[1], sys.argv[2]
text = open(path).read()
start = text.index('const STEPS')
end = text.index('\n];', start) + 1
open(path, 'w').write(text[:end] + line + '\n' + text[end:])
PY
echo "created $file and registered it in $rs; write the SQL, then run make test"
