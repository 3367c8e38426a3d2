package scaffold

import (
	"bytes"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
)

// Site says what a new site is called and where it lives: the settings
// `weeknotes init` writes into weeknotes.yaml.
type Site struct {
	Title    string // the site's title; "" leaves the line out (and the build warns)
	URL      string // scheme and host, with an optional path, e.g. https://example.org/notes; "" leaves a commented line
	Author   string // the default author of posts
	Timezone string // IANA name; "" means UTC
	Series   string // the series posts belong to unless they say otherwise
}

// Files of a new site, as `weeknotes init` names them.
const (
	ConfigFile    = "weeknotes.yaml"
	GitignoreFile = ".gitignore"
	WorkflowFile  = ".github/workflows/weeknotes.yml"
)

// GitignoreLines are what a site's repository should not track: the built
// site and the highlighted-code cache.
var GitignoreLines = []string{"/site/", "/.weeknotes-cache/"}

// Config returns the text of a new weeknotes.yaml.
func Config(s Site) []byte {
	var b strings.Builder
	b.WriteString("# The site's settings. Every key is optional, but feeds, the sitemap and\n")
	b.WriteString("# robots.txt need url to give the absolute addresses their formats require.\n\n")
	line := func(key, value, missing string) {
		if value == "" {
			fmt.Fprintf(&b, "# %s: %s\n", key, missing)
			return
		}
		fmt.Fprintf(&b, "%s: %s\n", key, yamlString(value))
	}
	line("title", s.Title, "My weeknotes")
	line("url", s.URL, "https://example.org   # the address the site is published at")
	line("author", s.Author, "Your Name")
	line("timezone", s.Timezone, "Europe/London   # posts are dated in it; UTC without it")
	b.WriteString("\n# The series posts belong to when their series line names none:\n")
	b.WriteString("# \"S01E02 - 15 February 2026\" is an episode of it.\n")
	line("series", s.Series, "Weeknotes")
	b.WriteString("\n# Named targets for `weeknotes publish --target NAME`, e.g.\n")
	b.WriteString("# publish:\n#   production: s3://my-bucket?region=eu-west-2\n")
	b.WriteString("# or, with a CloudFront distribution whose copies publish invalidates:\n")
	b.WriteString("#   production:\n#     url: s3://my-bucket?region=eu-west-2\n#     cdn: cloudfront://E2EXAMPLE\n")
	return []byte(b.String())
}

// yamlString quotes s when YAML would read it as something other than the
// same text.
func yamlString(s string) string {
	plain := s != "" && !strings.ContainsAny(s[:1], "!&*{}[]|>'\"%@`#,?:-") &&
		!strings.Contains(s, ": ") && !strings.Contains(s, " #") && strings.TrimSpace(s) == s
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n":
		plain = false
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		plain = false
	}
	if plain {
		return s
	}
	return strconv.Quote(s)
}

//go:embed files/weeknotes.yml
var workflowTemplate string

// Workflow returns the site's GitHub Actions workflow: it installs
// weeknotes at version once (kept in the cache after), builds with
// --strict, and publishes from the default branch only when a target is
// configured. siteURL is the site's scheme and host, for purging a CDN.
func Workflow(version, siteURL string) []byte {
	if siteURL == "" {
		siteURL = "https://example.org # the site's address, for purging a CDN"
	}
	return []byte(strings.NewReplacer("__VERSION__", version, "__SITE_URL__", siteURL).Replace(workflowTemplate))
}

// Gitignore returns existing with GitignoreLines it lacks appended, and
// whether anything was added.
func Gitignore(existing []byte) ([]byte, bool) {
	have := map[string]bool{}
	for _, l := range strings.Split(string(existing), "\n") {
		have[strings.TrimSpace(l)] = true
	}
	out := bytes.Clone(existing)
	added := false
	for _, l := range GitignoreLines {
		bare := strings.Trim(l, "/")
		if have[l] || have[bare] || have[bare+"/"] || have["/"+bare] {
			continue
		}
		if len(out) > 0 && out[len(out)-1] != '\n' {
			out = append(out, '\n')
		}
		out = append(out, l+"\n"...)
		added = true
	}
	return out, added
}

// FirstPostBody follows the front matter of the first post init writes.
const FirstPostBody = `This is the first episode. Write the week here, in Markdown; the series
line above numbers it, and ` + "`weeknotes new \"Title\"`" + ` starts the next one.
`
