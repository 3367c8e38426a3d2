package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// version is set at link time: -ldflags "-X main.version=v1.2.3". When it
// is not, the version comes from the build information Go records.
var version = "dev"

const versionUsage = `Usage: weeknotes version

Prints the version: the one linked in, or else the module version "go
install" recorded (v1.2.3 for ...@v1.2.3) and the commit it was built from.

`

func runVersion(args []string, stdout, stderr io.Writer) int {
	cmd := newCommand("version", versionUsage)
	rest, code, ok := cmd.parse(args, stdout, stderr)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return cmd.usageError(stderr, "unexpected argument %q", rest[0])
	}
	info, _ := debug.ReadBuildInfo()
	fmt.Fprintln(stdout, "weeknotes", versionString(version, info))
	return exitOK
}

// versionString is linked when set, else the main module's version from
// info, followed by the VCS revision and whether the tree was modified when
// Go recorded them ("v1.2.3", "v0.0.0-... (1a2b3c4d5e6f, modified)"). A
// "go install ...@v1.2.3" records v1.2.3 and no revision; a build in a
// checkout records "(devel)" or a pseudo-version and the revision.
func versionString(linked string, info *debug.BuildInfo) string {
	if linked != "" && linked != "dev" {
		return linked
	}
	if info == nil {
		return "dev"
	}
	v := info.Main.Version
	if v == "" || v == "(devel)" {
		v = "dev"
	}
	var rev string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return v
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified {
		return fmt.Sprintf("%s (%s, modified)", v, rev)
	}
	return fmt.Sprintf("%s (%s)", v, rev)
}
