package deps

import (
	_ "github.com/BurntSushi/toml"
	_ "github.com/adrg/frontmatter"
	_ "github.com/alecthomas/chroma/v2"
	_ "github.com/alecthomas/chroma/v2/formatters/html"
	_ "github.com/alecthomas/chroma/v2/lexers"
	_ "github.com/alecthomas/chroma/v2/styles"
	_ "github.com/chromedp/chromedp"
	_ "github.com/fsnotify/fsnotify"
	_ "github.com/osteele/liquid"
	_ "github.com/yuin/goldmark"
	_ "github.com/yuin/goldmark-highlighting/v2"
	_ "github.com/yuin/goldmark/extension"
	_ "gocloud.dev/blob"
	_ "gocloud.dev/blob/azureblob"
	_ "gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/gcsblob"
	_ "gocloud.dev/blob/s3blob"
	_ "golang.org/x/image/webp"
	_ "golang.org/x/sync/errgroup"
	_ "gopkg.in/yaml.v3"
)
