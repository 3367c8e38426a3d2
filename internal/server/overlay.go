package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"strings"

	"github.com/weeknotes/weeknotes/internal/diag"
	"github.com/weeknotes/weeknotes/internal/fileio"
)

const (
	// quotedLines is how many lines are quoted either side of an error's line.
	quotedLines = 2
	// maxProblems caps the errors in the overlay: one broken template can
	// fail every page, and the first few say all there is to say. The
	// terminal still lists every one.
	maxProblems = 50
)

// problem is one error as the overlay shows it.
type problem struct {
	Location string       // "content/posts/x.md:3"; "" for errors about no file (a full disk)
	Message  string       // what is wrong
	Lines    []sourceLine // the lines around the error, when the file could be read
}

// sourceLine is one quoted line of the author's file.
type sourceLine struct {
	Number  int    // 1-based
	Text    string // as in the file, without its line ending
	Current bool   // the line the error is on
}

// problemsOf turns a failed build's errors into what the overlay lists,
// quoting the lines around each from the file as it is now, which is the
// file the build just read. Warnings are left to the terminal.
func problemsOf(root string, ds []diag.Diagnostic) []problem {
	var out []problem
	files := map[string][]string{}
	for _, d := range ds {
		if d.Severity != diag.Error {
			continue
		}
		p := problem{Message: d.Message}
		if d.File != "" {
			p.Location = d.File
			if d.Line > 0 {
				p.Location = fmt.Sprintf("%s:%d", d.File, d.Line)
				p.Lines = quote(root, d.File, d.Line, files)
			}
		}
		out = append(out, p)
	}
	return out
}

// quote returns the lines around line of file. files caches files already
// read, since one file often has several errors.
func quote(root, file string, line int, files map[string][]string) []sourceLine {
	lines, ok := files[file]
	if !ok {
		// Through the site's contained file system: a diagnostic about a
		// link that leads outside the site must not quote what it leads to.
		data, err := fs.ReadFile(fileio.DirFS(root), file)
		if err == nil {
			lines = strings.Split(strings.ToValidUTF8(string(data), "\uFFFD"), "\n")
		}
		files[file] = lines
	}
	if line > len(lines) {
		return nil
	}
	var out []sourceLine
	for n := max(1, line-quotedLines); n <= min(len(lines), line+quotedLines); n++ {
		out = append(out, sourceLine{
			Number:  n,
			Text:    strings.TrimRight(lines[n-1], "\r"),
			Current: n == line,
		})
	}
	return out
}

// overlayData is what overlayTemplate shows.
type overlayData struct {
	Problems []problem // at most maxProblems
	Count    int       // errors in all
	More     int       // errors not shown
	HasSite  bool      // an earlier build succeeded and is still being served
}

// renderOverlay returns the overlay's markup, or "" when there is nothing
// wrong.
func renderOverlay(problems []problem, hasSite bool) string {
	if len(problems) == 0 {
		return ""
	}
	data := overlayData{Problems: problems, Count: len(problems), HasSite: hasSite}
	if len(problems) > maxProblems {
		data.Problems = problems[:maxProblems]
		data.More = len(problems) - maxProblems
	}
	var buf bytes.Buffer
	if err := overlayTemplate.Execute(&buf, data); err != nil {
		// The template is fixed and its data plain strings and numbers.
		panic(err)
	}
	return buf.String()
}

// overlayTemplate is the error overlay. It is one <dialog> with its own
// styles, scoped by its id and reset with "all: revert" so that the site's
// styles cannot make it unreadable. The live script opens it as a modal
// (showModal), which makes the page behind it inert, moves focus to the
// close button (autofocus) and closes it on Esc. It is an alertdialog
// named by its heading and described by its summary line, so a screen
// reader announces what failed without reading every error at once.
var overlayTemplate = template.Must(template.New("overlay").Parse(`<dialog id="weeknotes-overlay" role="alertdialog" aria-modal="true" aria-labelledby="weeknotes-overlay-title" aria-describedby="weeknotes-overlay-sub">
<style>
#weeknotes-overlay, #weeknotes-overlay * { all: revert; box-sizing: border-box; }
#weeknotes-overlay { position: fixed; inset: 0; z-index: 2147483647; width: 100%; max-width: none; height: 100%; max-height: none; margin: 0; border: 0; overflow: auto; padding: 2rem 1rem; background: transparent; color: #111; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; text-align: left; }
#weeknotes-overlay:not([open]) { display: none; }
#weeknotes-overlay::backdrop { background: rgba(17, 17, 17, .72); }
#weeknotes-overlay .wn-panel { max-width: 60rem; margin: 0 auto; padding: 1.25rem 1.5rem 1rem; background: #fff; border-top: .5rem solid #b00020; border-radius: .375rem; box-shadow: 0 .5rem 2rem rgba(0, 0, 0, .5); }
#weeknotes-overlay .wn-head { display: flex; gap: 1rem; align-items: flex-start; justify-content: space-between; }
#weeknotes-overlay h2 { margin: 0; font-size: 1.35rem; line-height: 1.3; color: #b00020; }
#weeknotes-overlay .wn-sub { margin: .25rem 0 0; color: #333; }
#weeknotes-overlay button { flex: none; margin: 0; padding: .25rem .75rem; font: inherit; font-size: 1.5rem; line-height: 1; color: #111; background: #eee; border: 1px solid #767676; border-radius: .25rem; cursor: pointer; }
#weeknotes-overlay button:hover { background: #ddd; }
#weeknotes-overlay button:focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }
#weeknotes-overlay ol { margin: 1rem 0 0; padding: 0; list-style: none; }
#weeknotes-overlay li { margin: 0 0 1rem; }
#weeknotes-overlay .wn-msg { margin: 0 0 .375rem; overflow-wrap: anywhere; }
#weeknotes-overlay .wn-loc { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-weight: bold; }
#weeknotes-overlay pre { margin: 0; padding: .5rem 0; overflow-x: auto; background: #f6f6f6; border: 1px solid #ccc; border-radius: .25rem; font: 14px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: #111; }
#weeknotes-overlay .wn-line, #weeknotes-overlay mark { display: block; padding: 0 .75rem 0 0; white-space: pre; color: #111; background: transparent; }
#weeknotes-overlay mark { background: #ffd7dc; box-shadow: inset .25rem 0 0 #b00020; }
#weeknotes-overlay .wn-num { display: inline-block; min-width: 4.5ch; padding-right: 1ch; margin-right: 1ch; text-align: right; color: #555; border-right: 1px solid #ccc; user-select: none; }
#weeknotes-overlay mark .wn-num { color: #111; font-weight: bold; }
#weeknotes-overlay .wn-foot { margin: .5rem 0 0; color: #333; font-size: .9rem; }
</style>
<div class="wn-panel">
<div class="wn-head">
<div>
<h2 id="weeknotes-overlay-title">Build failed: {{.Count}} error{{if ne .Count 1}}s{{end}}</h2>
<p class="wn-sub" id="weeknotes-overlay-sub">{{if .HasSite}}This page is from the last build that worked.{{else}}Nothing has built yet.{{end}} Fix and save: the page reloads by itself.</p>
</div>
<button type="button" data-weeknotes-dismiss aria-label="Dismiss build errors" title="Dismiss (Esc)" autofocus>&times;</button>
</div>
<ol>
{{- range .Problems}}
<li><p class="wn-msg">{{if .Location}}<span class="wn-loc">{{.Location}}:</span> {{end}}{{.Message}}</p>
{{- if .Lines}}
<pre>{{range .Lines}}{{if .Current}}<mark><span class="wn-num">{{.Number}}</span>{{.Text}}</mark>{{else}}<span class="wn-line"><span class="wn-num">{{.Number}}</span>{{.Text}}</span>{{end}}{{end}}</pre>
{{- end}}</li>
{{- end}}
</ol>
{{- if .More}}
<p class="wn-foot">{{.More}} more error{{if ne .More 1}}s{{end}} in the terminal.</p>
{{- end}}
</div>
</dialog>
`))

// liveScriptSource is the script served pages get before </body>. It
// listens for events: it reloads the page, swaps stylesheets in place
// (keeping the old sheet until the new one has loaded, so that nothing
// flashes unstyled), or shows the overlay. On (re)connecting the server
// says which version of the site is current, so a page that missed a build
// while its server was restarting, or between loading and connecting,
// reloads. The browser retries a dropped stream by itself but gives up on
// an answer that is not a stream, so the script keeps trying then too.
// WEEKNOTES_VERSION and WEEKNOTES_EVENTS are replaced by JSON strings.
const liveScriptSource = `<script>
(function () {
  "use strict";
  var version = WEEKNOTES_VERSION;
  var source;
  function overlay() { return document.getElementById("weeknotes-overlay"); }
  function dismiss() { var el = overlay(); if (el) el.remove(); }
  function wire() {
    var el = overlay();
    if (!el) return;
    var button = el.querySelector("[data-weeknotes-dismiss]");
    if (button) button.addEventListener("click", dismiss);
    el.addEventListener("close", dismiss);
    if (!el.open) el.showModal();
  }
  function show(html) {
    dismiss();
    var t = document.createElement("template");
    t.innerHTML = html;
    document.body.appendChild(t.content);
    wire();
  }
  function restyle() {
    document.querySelectorAll('link[rel~="stylesheet" i]').forEach(function (link) {
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin) return;
      url.searchParams.set("weeknotes", Date.now());
      var next = link.cloneNode();
      next.href = url.href;
      next.addEventListener("load", function () { link.remove(); });
      next.addEventListener("error", function () { link.remove(); });
      link.after(next);
    });
  }
  function connect() {
    source = new EventSource(WEEKNOTES_EVENTS);
    source.addEventListener("hello", function (e) {
      if (JSON.parse(e.data).version !== version) location.reload();
    });
    source.addEventListener("reload", function () { location.reload(); });
    source.addEventListener("css", function (e) {
      version = JSON.parse(e.data).version;
      restyle();
    });
    source.addEventListener("error", function (e) {
      if (typeof e.data === "string") {
        var m = JSON.parse(e.data);
        version = m.version;
        show(m.html);
      } else if (source.readyState === EventSource.CLOSED) {
        setTimeout(connect, 1000);
      }
    });
  }
  addEventListener("pagehide", function () { source.close(); });
  addEventListener("pageshow", function (e) { if (e.persisted) connect(); });
  wire();
  connect();
})();
</script>
`

// liveScript returns the script for a page of the given version.
func liveScript(version string) string {
	return strings.NewReplacer(
		"WEEKNOTES_VERSION", jsString(version),
		"WEEKNOTES_EVENTS", jsString(EventsPath),
	).Replace(liveScriptSource)
}

// jsString quotes s for a script element; encoding/json escapes <, > and &,
// so no string can close the element.
func jsString(s string) string {
	data, err := json.Marshal(s)
	if err != nil {
		panic(err) // strings always marshal
	}
	return string(data)
}

// errorPage is served for every page while no build has succeeded; the
// overlay and the live script are added to it like to any other page.
const errorPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed · weeknotes preview</title>
</head>
<body>
</body>
</html>
`
