package content

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/weeknotes/weeknotes/internal/diag"
)

// maxMojibakeLines caps mis-decoding warnings per file: a file converted
// wholesale would otherwise bury every other message.
const maxMojibakeLines = 10

// windows1252 maps the characters Windows-1252 puts at bytes 0x80–0x9F back
// to those bytes. UTF-8 text wrongly read as Windows-1252 shows them:
// "…" is E2 80 A6, which reads as "â€¦".
var windows1252 = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87,
	'ˆ': 0x88, '‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E,
	'‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97,
	'˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B, 'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// checkEncoding warns about bytes that are not UTF-8 and about text that
// looks like UTF-8 decoded as Windows-1252 or Latin-1 and saved again
// ("â€¦" for "…", "Ã©" for "é"). The text is left as it is: only the author
// knows whether "Ã©" is a mistake.
func checkEncoding(file string, src []byte) []diag.Diagnostic {
	// Every mis-decoded lead byte (U+00C2–U+00F4) is encoded as C3 xx.
	if bytes.IndexByte(src, 0xC3) < 0 && utf8.Valid(src) {
		return nil
	}
	var ds []diag.Diagnostic
	line := 1
	invalidFirst, invalidLines, lastInvalidLine := 0, 0, 0
	mojibakeLines, lastMojibake, moreOnLine := 0, 0, 0
	lineReported := false // the current line's first mis-decoding got a warning
	flushMore := func() {
		if moreOnLine > 0 {
			d := &ds[len(ds)-1]
			d.Message += fmt.Sprintf(" (and %d more on this line)", moreOnLine)
			moreOnLine = 0
		}
	}
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			if c == '\n' {
				line++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size == 1 {
			if invalidFirst == 0 {
				invalidFirst = line
			}
			if lastInvalidLine != line {
				invalidLines++
				lastInvalidLine = line
			}
			i++
			continue
		}
		if 0xC2 <= r && r <= 0xF4 {
			if seen, meant, ok := misdecoded(src[i:]); ok {
				if lastMojibake == line {
					if lineReported {
						moreOnLine++
					}
				} else {
					flushMore()
					lastMojibake = line
					mojibakeLines++
					lineReported = mojibakeLines <= maxMojibakeLines
					if lineReported {
						ds = append(ds, diag.Warnf(file, line, "%q looks like mis-decoded UTF-8 for %q", seen, string(meant)))
					}
				}
				i += len(seen)
				continue
			}
		}
		i += size
	}
	flushMore()
	if mojibakeLines > maxMojibakeLines {
		ds = append(ds, diag.Warnf(file, 0, "%d more lines look like mis-decoded UTF-8", mojibakeLines-maxMojibakeLines))
	}
	switch {
	case invalidLines == 1:
		ds = append(ds, diag.Warnf(file, invalidFirst, "invalid UTF-8 on this line; save the file as UTF-8"))
	case invalidLines > 1:
		ds = append(ds, diag.Warnf(file, invalidFirst,
			"invalid UTF-8 on this line and %d more; save the file as UTF-8", invalidLines-1))
	}
	return ds
}

// misdecoded reports whether text starts with the characters that the bytes
// of one UTF-8 character show when read as Windows-1252 or Latin-1: a lead
// byte's character (Â–ô) followed by the right number of continuation
// bytes' characters. It returns that text and the character meant.
func misdecoded(text []byte) (seen string, meant rune, ok bool) {
	lead, size := utf8.DecodeRune(text)
	var need int
	switch {
	case 0xC2 <= lead && lead <= 0xDF:
		need = 1
	case 0xE0 <= lead && lead <= 0xEF:
		need = 2
	case 0xF0 <= lead && lead <= 0xF4:
		need = 3
	default:
		return "", 0, false
	}
	var original [utf8.UTFMax]byte
	original[0] = byte(lead)
	end := size
	for k := 1; k <= need; k++ {
		r, n := utf8.DecodeRune(text[end:])
		b, isByte := continuationByte(r)
		if !isByte {
			return "", 0, false
		}
		original[k] = b
		end += n
	}
	meant, n := utf8.DecodeRune(original[:need+1])
	if meant == utf8.RuneError || n != need+1 {
		return "", 0, false
	}
	return string(text[:end]), meant, true
}

// continuationByte returns the byte 0x80–0xBF that r stands for when UTF-8
// was read as Windows-1252 (or as Latin-1, which maps 0x80–0x9F to the C1
// control characters).
func continuationByte(r rune) (byte, bool) {
	if 0x80 <= r && r <= 0xBF {
		return byte(r), true
	}
	b, ok := windows1252[r]
	return b, ok
}

// UTF-16 byte order marks. Some Windows editors save text as UTF-16 with
// one; Jekyll reads such a file as bytes and publishes it garbled.
var (
	utf16LE = []byte{0xFF, 0xFE}
	utf16BE = []byte{0xFE, 0xFF}
)

// decodeUTF16 returns src as UTF-8 when it starts with a UTF-16 byte order
// mark, and src itself otherwise. Lines stay where they were, so
// diagnostics name the same lines in either encoding. A file that is not
// valid UTF-16 (an odd number of bytes, a lone surrogate) is an error at
// the line where it stops being valid, and nil.
func decodeUTF16(file string, src []byte) ([]byte, *diag.Diagnostic) {
	var order binary.ByteOrder
	switch {
	case bytes.HasPrefix(src, utf16LE):
		order = binary.LittleEndian
	case bytes.HasPrefix(src, utf16BE):
		order = binary.BigEndian
	default:
		return src, nil
	}
	units := src[2:]
	out := make([]byte, 0, len(units))
	line := 1
	fail := func(what string) ([]byte, *diag.Diagnostic) {
		d := diag.Errorf(file, line, "the file starts with a UTF-16 byte order mark but %s; save it as UTF-8", what)
		return nil, &d
	}
	for i := 0; i < len(units); i += 2 {
		if i+1 >= len(units) {
			return fail("ends in half a character")
		}
		r := rune(order.Uint16(units[i:]))
		if utf16.IsSurrogate(r) {
			if i+3 >= len(units) {
				return fail("ends in half a character")
			}
			r = utf16.DecodeRune(r, rune(order.Uint16(units[i+2:])))
			if r == utf8.RuneError {
				return fail("holds an unpaired surrogate on this line")
			}
			i += 2
		}
		if r == '\n' {
			line++
		}
		out = utf8.AppendRune(out, r)
	}
	return out, nil
}
