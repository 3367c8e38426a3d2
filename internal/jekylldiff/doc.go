// Package jekylldiff compares weeknotes with Jekyll on small sites. Each
// case under the repository's testdata/jekyll/ is a tiny Jekyll site (site/)
// with what Jekyll 4.3 made of it (expected.json): the URL of every post and
// page, every link in their output, their text with markup normalised, and
// the files copied as they are. The expected files are written by running
// the real jekyll (make jekyll-expected) and committed, so that the tests
// need no Ruby. The package holds the normalisation both sides go through.
package jekylldiff
