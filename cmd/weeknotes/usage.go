package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command is one subcommand's flag set with its usage text. Every
// subcommand prints --help the same way: the text, then its flags as
// "--name PLACEHOLDER  what it does (default ...)", on stdout with exit
// status 0, so that "weeknotes build --help | less" shows it. Mistakes go
// to stderr with a pointer to --help and exit status 2.
type command struct {
	name  string
	usage string // "Usage: weeknotes NAME ...", a description, and a line "Flags:"
	*flag.FlagSet
}

// newCommand returns an empty flag set for the subcommand name. Flag
// usages name their placeholder in backquotes, as the flag package does:
// "write a CPU profile to `FILE`" prints "--cpuprofile FILE".
func newCommand(name, usage string) *command {
	fl := flag.NewFlagSet(name, flag.ContinueOnError)
	fl.SetOutput(io.Discard) // parse prints help and errors itself
	fl.Usage = func() {}
	return &command{name: name, usage: usage, FlagSet: fl}
}

// parse parses args, letting flags come before or after the positional
// arguments, which it returns. When ok is false the command is over, with
// status code: 0 after --help, 2 after a bad flag.
func (c *command) parse(args []string, stdout, stderr io.Writer) (positional []string, code int, ok bool) {
	for rest := args; ; {
		if err := c.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				c.printHelp(stdout)
				return nil, exitOK, false
			}
			return nil, c.usageError(stderr, "%v", err), false
		}
		// Parse consumes a "--" that ends the flags: what follows is all
		// positional, even where it looks like a flag.
		if k := len(rest) - len(c.Args()); k > 0 && rest[k-1] == "--" {
			return append(positional, c.Args()...), exitOK, true
		}
		rest = c.Args()
		if len(rest) == 0 {
			return positional, exitOK, true
		}
		positional, rest = append(positional, rest[0]), rest[1:]
	}
}

// usageError prints a command-line mistake and returns exitUsage.
func (c *command) usageError(stderr io.Writer, format string, a ...any) int {
	fmt.Fprintf(stderr, "weeknotes %s: %s\nRun 'weeknotes %s --help' for usage.\n", c.name, fmt.Sprintf(format, a...), c.name)
	return exitUsage
}

// printHelp writes the usage text and one entry per flag, in the order of
// their names.
func (c *command) printHelp(w io.Writer) {
	var b strings.Builder
	b.WriteString(c.usage)
	c.VisitAll(func(f *flag.Flag) {
		placeholder, text := flag.UnquoteUsage(f)
		if isBoolFlag(f) {
			placeholder = ""
		} else if placeholder == "value" || placeholder == "" {
			placeholder = "VALUE"
		}
		head := "  --" + f.Name
		if placeholder != "" {
			head += " " + placeholder
		}
		if def := f.DefValue; def != "" && def != "false" && !strings.Contains(text, "(default") {
			text += fmt.Sprintf(" (default %s)", def)
		}
		writeFlagHelp(&b, head, text)
	})
	io.WriteString(w, b.String())
}

// flagColumn is where flag descriptions start; flagWidth is where they wrap.
const (
	flagColumn = 24
	flagWidth  = 79
)

// writeFlagHelp writes head and text, text wrapped into a column of its own.
func writeFlagHelp(b *strings.Builder, head, text string) {
	b.WriteString(head)
	col := len(head)
	if col+2 > flagColumn {
		b.WriteString("\n")
		col = 0
	}
	b.WriteString(strings.Repeat(" ", flagColumn-col))
	col = flagColumn
	for i, word := range strings.Fields(text) {
		if i > 0 && col+1+len(word) > flagWidth {
			b.WriteString("\n" + strings.Repeat(" ", flagColumn))
			col = flagColumn
		} else if i > 0 {
			b.WriteString(" ")
			col++
		}
		b.WriteString(word)
		col += len(word)
	}
	b.WriteString("\n")
}

func isBoolFlag(f *flag.Flag) bool {
	bf, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && bf.IsBoolFlag()
}
