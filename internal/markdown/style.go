package markdown

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
)

// styleFiles are the chroma styles the default theme uses, copied from
// chroma. Chroma's styles package parses all of its 74 styles when a
// program starts, 10-15 ms before every command's first line of work; the
// stylesheet needs two.
//
//go:embed styles/*.xml
var styleFiles embed.FS

// StyleSheet returns CSS for the highlight classes: a light style by default and a dark one under
// @media (prefers-color-scheme: dark), generated from the chroma styles copied into styles/
// ("github" and "github-dark").
// An empty dark name leaves the light style in force in both modes. Deterministic bytes.
func StyleSheet(light, dark string) ([]byte, error) {
	lightStyle, err := lookupStyle(light)
	if err != nil {
		return nil, err
	}
	formatter := chromahtml.New(chromahtml.WithClasses(true), chromahtml.PreventSurroundingPre(true))

	var b bytes.Buffer
	fmt.Fprintf(&b, "/* Code highlighting: %s */\n", lightStyle.Name)
	if err := formatter.WriteCSS(&b, lightStyle); err != nil {
		return nil, fmt.Errorf("writing CSS for highlight style %q: %w", light, err)
	}
	if dark == "" {
		return b.Bytes(), nil
	}

	darkStyle, err := lookupStyle(dark)
	if err != nil {
		return nil, err
	}
	var inner bytes.Buffer
	fmt.Fprintf(&inner, "/* Code highlighting: %s */\n", darkStyle.Name)
	writeResets(&inner, lightStyle, darkStyle)
	if err := formatter.WriteCSS(&inner, darkStyle); err != nil {
		return nil, fmt.Errorf("writing CSS for highlight style %q: %w", dark, err)
	}
	b.WriteString("@media (prefers-color-scheme: dark) {\n")
	for line := range strings.Lines(inner.String()) {
		b.WriteString("  ")
		b.WriteString(line)
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}

func lookupStyle(name string) (*chroma.Style, error) {
	f, err := styleFiles.Open("styles/" + strings.ToLower(name) + ".xml")
	if err != nil {
		return nil, fmt.Errorf("unknown highlight style %q (known styles: %s)", name, strings.Join(styleNames(), ", "))
	}
	defer f.Close()
	style, err := chroma.NewXMLStyle(f)
	if err != nil {
		return nil, fmt.Errorf("highlight style %q: %w", name, err)
	}
	return style, nil
}

// styleNames lists the styles lookupStyle knows.
func styleNames() []string {
	entries, _ := fs.ReadDir(styleFiles, "styles")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".xml"))
	}
	return names
}

// writeResets undoes, for dark mode, what the light style sets and the dark
// one leaves alone: without it a light style's near-black punctuation or
// pale error background would show through on the dark background.
func writeResets(b *bytes.Buffer, light, dark *chroma.Style) {
	lightBg, darkBg := light.Get(chroma.Background), dark.Get(chroma.Background)
	types := make([]chroma.TokenType, 0, len(chroma.StandardTypes))
	for t := range chroma.StandardTypes {
		types = append(types, t)
	}
	slices.Sort(types)
	for _, t := range types {
		class := chroma.StandardTypes[t]
		if class == "" || t == chroma.PreWrapper {
			continue
		}
		l, d := light.Get(t), dark.Get(t)
		selector := ".chroma ." + class
		if t == chroma.Background {
			selector = ".chroma"
		} else {
			l, d = l.Sub(lightBg), d.Sub(darkBg)
		}
		var decls []string
		if l.Colour.IsSet() && !d.Colour.IsSet() {
			decls = append(decls, "color: inherit")
		}
		if l.Background.IsSet() && !d.Background.IsSet() {
			decls = append(decls, "background-color: transparent")
		}
		if l.Bold == chroma.Yes && d.Bold != chroma.Yes {
			decls = append(decls, "font-weight: inherit")
		}
		if l.Italic == chroma.Yes && d.Italic != chroma.Yes {
			decls = append(decls, "font-style: inherit")
		}
		if l.Underline == chroma.Yes && d.Underline != chroma.Yes {
			decls = append(decls, "text-decoration: inherit")
		}
		if len(decls) > 0 {
			fmt.Fprintf(b, "%s { %s }\n", selector, strings.Join(decls, "; "))
		}
	}
}
