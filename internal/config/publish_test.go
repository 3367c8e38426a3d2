package config

import (
	"strings"
	"testing"
	"testing/fstest"
)

// A publish target is a URL, or a map with the URL and the CDN in front
// of it.
func TestPublishTargets(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		wantURLs map[string]string
		wantCDNs map[string]string
		wantErr  string
	}{
		{"URLs", "publish:\n  a: s3://x\n  b: file:///srv\n", map[string]string{"a": "s3://x", "b": "file:///srv"}, map[string]string{}, ""},
		{"with a CDN", "publish:\n  a:\n    url: s3://x\n    cdn: cloudfront://E1\n  b: s3://y\n", map[string]string{"a": "s3://x", "b": "s3://y"}, map[string]string{"a": "cloudfront://E1"}, ""},
		{"empty", "publish:\n", map[string]string{}, map[string]string{}, ""},
		{"map without url", "publish:\n  a:\n    cdn: cloudfront://E1\n", nil, nil, "weeknotes.yaml:3: publish: a: want url: with the target's URL"},
		{"unknown value", "publish:\n  a: [x]\n", nil, nil, "weeknotes.yaml:2: publish: a: want a URL, or a map with url and cdn, got a list"},
	}
	for _, tt := range tests {
		cfg, err := Load(fstest.MapFS{"weeknotes.yaml": {Data: []byte(tt.yaml)}})
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !equalMaps(cfg.Publish, tt.wantURLs) || !equalMaps(cfg.PublishCDN, tt.wantCDNs) {
			t.Errorf("%s: Publish %v, PublishCDN %v", tt.name, cfg.Publish, cfg.PublishCDN)
		}
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
