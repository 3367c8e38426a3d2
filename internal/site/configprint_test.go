package site

import (
	"os"
	"testing"

	"github.com/weeknotes/weeknotes/internal/config"
)

// TestConfigPrintSameFile loads the repository's own configuration (which
// has header rules) twice: two processes reading one file must agree, or
// the saved build state would never be trusted.
func TestConfigPrintSameFile(t *testing.T) {
	load := func() *config.Config {
		cfg, err := config.Load(os.DirFS("../.."))
		if err != nil {
			t.Fatal(err)
		}
		if len(cfg.Headers) == 0 {
			t.Fatal("weeknotes.yaml has no header rules; the test needs some")
		}
		return cfg
	}
	a, b := load(), load()
	if configPrint(a) != configPrint(b) {
		t.Fatal("the same configuration file gave two fingerprints")
	}
	b.Headers[0].Glob += "x"
	if configPrint(a) == configPrint(b) {
		t.Fatal("a changed header glob did not change the fingerprint")
	}
}
