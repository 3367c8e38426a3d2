//go:build !unix

package output

import "errors"

// spareSupported says that markers cannot be told apart here: no spare is
// kept, and the old tree is removed after each switch.
const spareSupported = false

func readMarkerID(string) (markerID, error) {
	return markerID{}, errors.ErrUnsupported
}
