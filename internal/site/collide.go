package site

import (
	"fmt"
	"strings"

	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/output"
)

// urlDiag is the error for a post whose URL cannot be written: it leads
// outside the output folder. The URL comes from the post's permalink, or
// from the configuration's pattern and the post's slug or categories.
func urlDiag(ps *postState) *diag.Diagnostic {
	err := output.CheckURLPath(ps.rel)
	if err == nil {
		err = output.CheckPath(ps.outPath)
	}
	if err == nil {
		return nil
	}
	d := diag.Errorf(ps.post.Path, ps.post.URLLine, "%v; change its permalink or slug", err)
	return &d
}

// where names a post's source at the line that decides its URL.
func where(ps *postState) string {
	if ps.post.URLLine > 0 {
		return fmt.Sprintf("%s:%d", ps.post.Path, ps.post.URLLine)
	}
	return ps.post.Path
}

// collisions reports every post whose output path another source also
// claims: a post whose URL is a generated page's (the home page, /archive/,
// /feed.xml, /sitemap.xml, a tag or series page) or a static file's would
// replace it, or be replaced, without a word. Each is an error at the post's
// line that decides its URL, naming both sources. (Two posts with one URL
// are found by resolve.)
func (b *Builder) collisions(r *run, gens []genJob) []diag.Diagnostic {
	owner := make(map[string]string, len(r.jobs)+len(gens)+len(b.static))
	for name := range b.static {
		owner[name] = "the static file " + b.cfg.StaticDir + "/" + strings.TrimPrefix(name, "static/")
	}
	for _, g := range gens {
		if _, ok := owner[g.out]; !ok {
			owner[g.out] = "the generated /" + g.out
		}
	}
	for _, j := range r.jobs {
		if _, ok := owner[j.out]; !ok && j.page.Kind != "post" {
			owner[j.out] = "the " + j.page.Kind + " page " + j.page.URL
		}
	}
	var ds []diag.Diagnostic
	for _, ps := range r.included {
		if other, ok := owner[ps.outPath]; ok {
			ds = append(ds, diag.Errorf(ps.post.Path, ps.post.URLLine,
				"URL %s is also the URL of %s, which one of them would silently replace; give the post a different permalink or slug", ps.url, other))
		}
	}
	return append(ds, b.keptCollisions(r, gens)...)
}

// keptCollisions reports every post, page, file or generated page that
// would be written at a path keep_files keeps: the build never writes
// there, so that what is kept is never replaced. Each error names the
// source and the keep_files entry.
func (b *Builder) keptCollisions(r *run, gens []genJob) []diag.Diagnostic {
	keep := b.cfg.KeepFiles
	if len(keep) == 0 {
		return nil
	}
	conf := b.cfg.File
	if conf == "" {
		conf = "the configuration"
	}
	var ds []diag.Diagnostic
	add := func(file string, line int, out string) {
		if k := output.KeptBy(out, keep); k != "" {
			ds = append(ds, diag.Errorf(file, line, "it would be written to %s, which keep_files entry %q in %s keeps in the output folder; give it another permalink or remove the entry", out, k, conf))
		}
	}
	for _, ps := range r.included {
		add(ps.post.Path, ps.post.URLLine, ps.outPath)
	}
	for out, src := range b.own.source {
		add(src, 0, out)
	}
	for name := range b.static {
		add(b.cfg.StaticDir+"/"+strings.TrimPrefix(name, "static/"), 0, name)
	}
	for _, g := range gens {
		if !b.ownedBySite(g.out) {
			add(conf, 0, g.out)
		}
	}
	return ds
}
