package corpus

import (
	"fmt"
	"strings"
)

// code is 10 to 40 lines of plausible code in lang. It never holds "{{" or
// "{%", which Liquid would read.
func (g *gen) code(lang string) []string {
	target := g.between(10, 40)
	if lang == "json" {
		return g.json(target)
	}
	out := g.codeHead(lang)
	for len(out) < target {
		out = append(out, g.codeBlock(lang)...)
	}
	return out[:min(40, len(out))]
}

// codeHead is how a file in lang starts.
func (g *gen) codeHead(lang string) []string {
	switch lang {
	case "go":
		return []string{"package " + choice(g, nouns), "", "import (", "\t\"context\"", "\t\"fmt\"", "\t\"strings\"", ")", ""}
	case "python":
		return []string{"import json", "import os", "from pathlib import Path", ""}
	case "bash":
		return []string{"#!/usr/bin/env bash", "set -euo pipefail", ""}
	case "yaml":
		return []string{"apiVersion: apps/v1", "kind: Deployment", "metadata:", "  name: " + choice(g, nouns)}
	}
	return []string{"package " + choice(g, nouns) + ".authz", "", "import future.keywords.if", "import future.keywords.in", "", "default allow := false", ""}
}

// ident is a camelCase name made of n nouns.
func (g *gen) ident(n int) string {
	s := choice(g, nouns)
	for range n - 1 {
		s += capitalize(choice(g, nouns))
	}
	return s
}

// codeBlock is one function, loop or stanza in lang.
func (g *gen) codeBlock(lang string) []string {
	a, b, c := g.ident(2), g.ident(1), g.ident(1)
	n := g.between(2, 64)
	switch lang {
	case "go":
		return []string{"// " + a + " counts " + b + " entries.", "func " + a + "(ctx context.Context, items []string) (int, error) {",
			"\t" + b + " := 0", "\tfor _, it := range items {", fmt.Sprintf("\t\tif strings.HasPrefix(it, %q) {", c),
			"\t\t\t" + b + "++", "\t\t}", "\t}", fmt.Sprintf("\tif %s > %d {", b, n),
			fmt.Sprintf("\t\treturn 0, fmt.Errorf(\"too many %s: %%d\", %s)", c, b), "\t}", "\treturn " + b + ", nil", "}", ""}
	case "python":
		return []string{fmt.Sprintf("def %s(path, limit=%d):", strings.ToLower(a), n), "    \"\"\"Load " + b + " records from path.\"\"\"",
			"    rows = []", "    for line in Path(path).read_text().splitlines():",
			"        if line.startswith('#'):", "            continue",
			"        rows.append(json.loads(line))", "    return rows[:limit]", ""}
	case "bash":
		return []string{fmt.Sprintf("%s=\"${%s:-%d}\"", strings.ToUpper(b), strings.ToUpper(b), n), "for f in \"$" + strings.ToUpper(c) + "_DIR\"/*.log; do",
			"  echo \"processing $f\"", "  grep -c \"" + a + "\" \"$f\" || true", "done", ""}
	case "yaml":
		return []string{"spec:", fmt.Sprintf("  replicas: %d", n%5+1), "  template:", "    spec:", "      containers:",
			"        - name: " + b, fmt.Sprintf("          image: registry.example.com/%s:v1.%d", c, n),
			"          env:", "            - name: " + strings.ToUpper(a) + "_MODE", "              value: \"" + c + "\""}
	}
	return []string{a + " if {", "\tinput.method == \"GET\"", "\tinput.path[0] == \"" + b + "\"",
		fmt.Sprintf("\tcount(input.user.roles) > %d", n%4), "}", "", "allow if {", "\t\"" + c + "\" in input.user.roles", "}", ""}
}

// json is a JSON document of about target lines, indented by two spaces:
// numbers, booleans, strings, small objects and lists of tags.
func (g *gen) json(target int) []string {
	var fields [][]string // each field's lines, without the separating comma
	lines := 2            // { and }
	for lines < target {
		key := fmt.Sprintf("%q: ", g.ident(1)+fmt.Sprint(len(fields)))
		var f []string
		switch g.r.IntN(5) {
		case 0:
			f = []string{key + fmt.Sprint(g.r.IntN(10000))}
		case 1:
			f = []string{key + fmt.Sprint(g.r.Float64() < 0.5)}
		case 2:
			f = []string{key + fmt.Sprintf("%q", g.ident(2))}
		case 3:
			f = []string{key + "{", fmt.Sprintf("  %q: %q,", "name", g.ident(2)), fmt.Sprintf("  %q: %d", "replicas", g.between(1, 9)), "}"}
		default:
			f = []string{key + "["}
			for i := range 3 {
				comma := ","
				if i == 2 {
					comma = ""
				}
				f = append(f, fmt.Sprintf("  %q%s", choice(g, tags), comma))
			}
			f = append(f, "]")
		}
		fields = append(fields, f)
		lines += len(f)
	}
	out := []string{"{"}
	for i, f := range fields {
		for j, l := range f {
			if j == len(f)-1 && i < len(fields)-1 {
				l += ","
			}
			out = append(out, "  "+l)
		}
	}
	return append(out, "}")
}
