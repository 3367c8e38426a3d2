// Package series recognises the series marker in a weeknote's title, excerpt
// or subtitle ("Weeknotes S01E02", "Weeknote #12", "Weeknotes 35/2021",
// "Week 34") and orders a site's posts into series, seasons and episodes with
// previous and next links.
package series

// Marker is what was recognised in one post's text.
type Marker struct {
	Name       string // series name as written, normalised: "Weeknotes" for weeknote/weeknotes/week; "" when the text had none
	Season     int    // 0 when the marker has no season ("Weeknote #12")
	Episode    int    // first episode
	EpisodeEnd int    // last episode of a range ("S04E02–11" gives 2..11); equal to Episode otherwise
}
