// Package yamlerr reads the line number out of gopkg.in/yaml.v3 errors.
// yaml.v3 puts the line only in the error text ("yaml: line 3: ..."), while
// weeknotes reports every problem as file:line: message, so the text has to
// be taken apart in one place for the configuration and the front matter.
package yamlerr

import (
	"errors"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Split returns the 1-based line an error from yaml.v3 points at, relative
// to the YAML text that was decoded, and its message without the "yaml:" and
// "line N:" prefixes. line is 0 when the error names no line. For a decoding
// error with several problems, the first one is returned: the author fixes
// them one at a time, and the rest usually follow from the first.
func Split(err error) (line int, msg string) {
	var typeErr *yaml.TypeError
	if errors.As(err, &typeErr) && len(typeErr.Errors) > 0 {
		msg = typeErr.Errors[0]
	} else {
		msg = err.Error()
	}
	msg = strings.TrimPrefix(strings.TrimSpace(msg), "yaml: ")
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return 0, msg
	}
	digits, text, ok := strings.Cut(rest, ": ")
	if !ok {
		return 0, msg
	}
	n, convErr := strconv.Atoi(digits)
	if convErr != nil || n < 1 {
		return 0, msg
	}
	return n, text
}
