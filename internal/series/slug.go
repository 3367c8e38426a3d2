package series

import "github.com/weeknotes/weeknotes/internal/content"

// Slug is the URL-safe form of a series name ("Weeknotes" → "weeknotes").
//
// It follows the same rules as post and tag slugs, so a series and a tag of
// the same name share an address form: lower-case letters and digits joined
// by single hyphens, Latin accents transliterated ("Café club" →
// "cafe-club"), apostrophes dropped ("Dave's notes" → "daves-notes"). Names
// that differ only in case, accents or punctuation therefore share a slug and
// so a series. A name with no letters or digits has the slug "".
func Slug(name string) string {
	return content.Slugify(name)
}
