package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// gen draws every choice of one corpus from one source, in a fixed order.
type gen struct{ r *rand.Rand }

// between returns a number from lo to hi, both included.
func (g *gen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

func choice[T any](g *gen, list []T) T { return list[g.r.IntN(len(list))] }

// sample returns k different elements of list (k is small), in random
// order.
func (g *gen) sample(list []string, k int) []string {
	out := make([]string, 0, k)
	taken := make(map[int]bool, k)
	for len(out) < k {
		if i := g.r.IntN(len(list)); !taken[i] {
			taken[i] = true
			out = append(out, list[i])
		}
	}
	return out
}

// sentence is lo to hi words, sometimes with a comma, code or emphasis.
func (g *gen) sentence(lo, hi int) string {
	w := make([]string, g.between(lo, hi))
	for i := range w {
		w[i] = choice(g, words)
	}
	if len(w) > 8 && g.r.Float64() < 0.4 {
		w[g.between(3, len(w)-3)] += ","
	}
	if g.r.Float64() < 0.1 {
		i := g.r.IntN(len(w))
		if g.r.Float64() < 0.5 {
			w[i] = "`" + strings.TrimSuffix(w[i], ",") + "`"
		} else {
			w[i] = "*" + strings.TrimSuffix(w[i], ",") + "*"
		}
	}
	return capitalize(strings.Join(w, " ")) + choice(g, []string{".", ".", ".", ".", ".", "?", "!"})
}

// insert puts s at position i of list.
func insert(list []string, i int, s string) []string {
	list = append(list, "")
	copy(list[i+1:], list[i:])
	list[i] = s
	return list
}

// paragraph is three to six sentences, sometimes with an external link,
// and with a post_url link to each of links.
func (g *gen) paragraph(links []string) string {
	s := make([]string, g.between(3, 6))
	for i := range s {
		s[i] = g.sentence(6, 18)
	}
	if g.r.Float64() < 0.35 {
		w := make([]string, g.between(1, 3))
		for i := range w {
			w[i] = choice(g, words)
		}
		url := choice(g, domains) + strings.Join(w, "-")
		s = insert(s, g.r.IntN(len(s)+1), fmt.Sprintf("See [%s](%s) for more.", strings.Join(w, " "), url))
	}
	for _, slug := range links {
		s = insert(s, g.r.IntN(len(s)+1), g.postURL(slug))
	}
	return strings.Join(s, " ")
}

func (g *gen) postURL(slug string) string {
	return fmt.Sprintf("As [mentioned before]({%% post_url %s %%}), %s", slug, strings.ToLower(g.sentence(6, 18)))
}

// block is one block of a body: a paragraph (which may take one of links),
// a list, a numbered list, a blockquote or an image.
func (g *gen) block(links *[]string) string {
	r := g.r.Float64()
	switch {
	case r < 0.55:
		var here []string
		if n := len(*links); n > 0 && g.r.Float64() < 0.5 {
			here, *links = (*links)[n-1:], (*links)[:n-1]
		}
		return g.paragraph(here)
	case r < 0.70:
		items := make([]string, g.between(3, 6))
		for i := range items {
			items[i] = "- " + g.sentence(3, 10)
		}
		return strings.Join(items, "\n")
	case r < 0.80:
		items := make([]string, g.between(3, 5))
		for i := range items {
			items[i] = fmt.Sprintf("%d. %s", i+1, g.sentence(3, 10))
		}
		return strings.Join(items, "\n")
	case r < 0.90:
		return "> " + g.sentence(6, 18) + " " + g.sentence(6, 18)
	}
	return fmt.Sprintf("![%s %s](/static/images/img%d.png)", choice(g, nouns), choice(g, nouns), g.r.IntN(Images))
}

// body is a post's Markdown: 600 to 1,500 words of blocks with a heading
// every fourth, and perhaps a code block, a table and links to earlier
// posts.
func (g *gen) body(earlier []string) string {
	target := g.between(600, 1500)
	hasCode, hasTable := g.r.Float64() < 0.4, g.r.Float64() < 0.1
	var links []string
	if g.r.Float64() < 0.3 && len(earlier) > 0 {
		links = g.sample(earlier, min(len(earlier), g.between(1, 2)))
	}
	var blocks []string
	count := 0
	for i := 1; ; i++ {
		if i > 1 && i%4 == 1 {
			h := strings.TrimRight(g.sentence(2, 5), ".?!")
			blocks = append(blocks, choice(g, []string{"##", "##", "###"})+" "+h)
			count += len(strings.Fields(h))
			continue
		}
		b := g.block(&links)
		if strings.HasPrefix(b, "![") {
			blocks = append(blocks, b)
			continue
		}
		n := len(strings.Fields(b))
		if count+n > target && count >= 600 {
			break
		}
		count += n
		blocks = append(blocks, b)
	}
	for _, slug := range links { // links not placed yet (rare)
		blocks = append(blocks, g.postURL(slug))
	}
	if hasCode {
		lang := choice(g, languages)
		code := "```" + lang + "\n" + strings.Join(g.code(lang), "\n") + "\n```"
		blocks = insert(blocks, g.between(1, len(blocks)), code)
	}
	if hasTable {
		blocks = insert(blocks, g.between(1, len(blocks)), g.table())
	}
	return strings.Join(blocks, "\n\n") + "\n"
}

// table is a small table of the week's work.
func (g *gen) table() string {
	rows := []string{"| Day | Task | Hours | Notes |", "|---|---|---|---|"}
	for _, d := range []string{"Mon", "Tue", "Wed", "Thu", "Fri"}[:g.between(3, 5)] {
		rows = append(rows, fmt.Sprintf("| %s | %s | %d | %s %s %s |", d, choice(g, nouns), g.between(1, 8),
			choice(g, words), choice(g, words), choice(g, words)))
	}
	return strings.Join(rows, "\n")
}
