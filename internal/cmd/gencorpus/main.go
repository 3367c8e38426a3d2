// Command gencorpus writes the benchmark corpus, a synthetic weeknotes
// site of any size (see package corpus):
//
//	go run ./internal/cmd/gencorpus --posts 5000 --seed 1 --out DIR
//
// DIR gets content/posts/ and static/images/; it must not exist yet, so
// that a corpus is never mixed with another.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/weeknotes/weeknotes/internal/corpus"
)

func main() {
	posts := flag.Int("posts", 1000, "how many posts")
	seed := flag.Uint64("seed", 1, "the same seed gives the same bytes")
	out := flag.String("out", "", "the folder to create")
	flag.Parse()
	if *out == "" || *posts < 0 || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if _, err := os.Stat(*out); err == nil {
		fmt.Fprintf(os.Stderr, "gencorpus: %s exists; give a new folder\n", *out)
		os.Exit(1)
	}
	if err := corpus.Generate(*out, corpus.Options{Posts: *posts, Seed: *seed}); err != nil {
		fmt.Fprintf(os.Stderr, "gencorpus: %v\n", err)
		os.Exit(1)
	}
}
