#!/bin/sh
# Regenerates cases/*.kramdown.html, what Jekyll (and so kramdown, its
# default Markdown) makes of each cases/*.md. Needs Debian's jekyll
# package; run from anywhere: sh internal/markdown/kramdown/testdata/kramdown.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/_posts" "$work/src/_layouts"
printf 'title: kramdown cases\n' > "$work/src/_config.yml"
printf '{{ content }}' > "$work/src/_layouts/bare.html"
for f in "$here"/cases/*.md; do
	name=$(basename "$f" .md)
	{ printf -- '---\nlayout: bare\n---\n'; cat "$f"; } > "$work/src/_posts/2000-01-01-$name.md"
done
jekyll build --safe --quiet -s "$work/src" -d "$work/out"
for f in "$here"/cases/*.md; do
	name=$(basename "$f" .md)
	cp "$work/out/2000/01/01/$name.html" "$here/cases/$name.kramdown.html"
done
