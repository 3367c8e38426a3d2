// Package weeknotes holds what the weeknotes binary carries with it: the
// default theme. The repository is itself a weeknotes site, so the templates
// that build it are the ones every other site falls back to.
package weeknotes

import "embed"

// Theme is the default theme: the repository's templates/ folder (page
// templates, partials, Liquid includes and assets), rooted so that its
// paths start with "templates/". A site's own templates/ file of the same
// name takes precedence over the one here, which is why a site that has
// nothing but content/posts still builds.
//
//go:embed templates
var Theme embed.FS
