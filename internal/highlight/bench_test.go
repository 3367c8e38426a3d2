package highlight

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// fencedCode matches a Markdown fenced code block with a language.
var fencedCode = regexp.MustCompile("(?ms)^```([A-Za-z0-9_+-]+)\n(.*?)^```")

// benchBlocks returns code blocks by language: those of the benchmark
// corpus when WEEKNOTES_CORPUS names one (make bench), else chroma's test
// inputs for the corpus's languages.
func benchBlocks(b *testing.B) map[string][]string {
	blocks := map[string][]string{}
	if dir := os.Getenv("WEEKNOTES_CORPUS"); dir != "" {
		posts, err := filepath.Glob(filepath.Join(dir, "content", "posts", "*.md"))
		if err != nil || len(posts) == 0 {
			b.Fatalf("no posts in the corpus %s (%v)", dir, err)
		}
		for _, post := range posts {
			data, err := os.ReadFile(post)
			if err != nil {
				b.Fatal(err)
			}
			for _, m := range fencedCode.FindAllStringSubmatch(string(data), -1) {
				blocks[m[1]] = append(blocks[m[1]], m[2])
			}
		}
		return blocks
	}
	inputs := chromaInputs(b)
	for _, lang := range []string{"go", "python", "bash", "yaml", "json", "rego"} {
		for _, path := range inputs[lang] {
			data, err := os.ReadFile(path)
			if err != nil {
				b.Fatal(err)
			}
			blocks[lang] = append(blocks[lang], string(data))
		}
	}
	return blocks
}

// BenchmarkTokenise lexes the same code blocks with chroma's driver and
// with the filtered one, per language, and reports the cost of a token.
func BenchmarkTokenise(b *testing.B) {
	blocks := benchBlocks(b)
	langs := make([]string, 0, len(blocks))
	for lang := range blocks {
		langs = append(langs, lang)
	}
	sort.Strings(langs)
	for _, lang := range langs {
		l := lexers.Get(lang)
		if l == nil {
			continue
		}
		for _, driver := range []struct {
			name  string
			lexer chroma.Lexer
		}{{"chroma", l}, {"filtered", Fast(l)}} {
			b.Run(lang+"/"+driver.name, func(b *testing.B) {
				lexer := chroma.Coalesce(driver.lexer)
				count := 0
				for b.Loop() {
					count = 0
					for _, block := range blocks[lang] {
						count += len(tokens(b, lexer, block))
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*count), "ns/token")
				b.ReportMetric(float64(len(blocks[lang])), "blocks")
			})
		}
	}
}
