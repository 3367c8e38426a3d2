package publish

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
)

// CloudFront's limits: the first 1,000 invalidation paths of a month are
// free, and one invalidation request holds at most 3,000 paths.
const (
	FreeInvalidationPaths = 1000
	maxInvalidationBatch  = 3000
)

// CDN is a content delivery network in front of a target, whose copies of
// the changed paths are invalidated after a publish.
type CDN struct {
	Distribution string // the CloudFront distribution ID
	endpoint     string // the API's address; "" for AWS's own
	region       string
	limit        int // paths past which invalidations are wildcarded
	batch        int // paths per invalidation request
}

// ParseCDN reads a CDN URL: cloudfront://DISTRIBUTION_ID, with an optional
// ?endpoint= for a CloudFront-compatible API (and tests) and ?region=.
// Credentials come from the usual AWS environment, as for s3:// targets.
func ParseCDN(raw string) (*CDN, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("cdn %q: %w", raw, err)
	}
	if u.Scheme != "cloudfront" {
		return nil, fmt.Errorf("cdn %q: want cloudfront://DISTRIBUTION_ID (for Cloudflare or Fastly, purge the paths --changed-paths writes)", raw)
	}
	if u.Host == "" || strings.Trim(u.Path, "/") != "" {
		return nil, fmt.Errorf("cdn %q: want cloudfront://DISTRIBUTION_ID", raw)
	}
	c := &CDN{Distribution: u.Host, endpoint: u.Query().Get("endpoint"), region: u.Query().Get("region"),
		limit: FreeInvalidationPaths, batch: maxInvalidationBatch}
	if c.region == "" {
		c.region = "us-east-1" // CloudFront's API lives there, whatever the distribution serves
	}
	return c, nil
}

// String names the CDN as the author wrote it, without the query.
func (c *CDN) String() string { return "cloudfront://" + c.Distribution }

// InvalidationPaths turns the URL paths a publish changed into the paths to
// invalidate: the paths themselves, or, when there are more than limit,
// folder wildcards ("/2024/*") at the deepest level that brings them under
// it, at worst "/*". A page at /a/ is invalidated as /a/ and /a/index.html,
// the two addresses it is served at.
func InvalidationPaths(changed []string, limit int) []string {
	set := map[string]bool{}
	for _, p := range changed {
		set[p] = true
		if strings.HasSuffix(p, "/") {
			set[p+"index.html"] = true
		}
	}
	paths := sortedKeys(set)
	if len(paths) <= limit {
		return paths
	}
	for depth := maxDepth(paths) - 1; depth >= 1; depth-- {
		if w := wildcard(paths, depth); len(w) <= limit {
			return w
		}
	}
	return []string{"/*"}
}

// wildcard replaces every path in a folder deeper than depth by its folder
// at that depth followed by "*": at depth 1, /2024/01/x/ becomes /2024/*.
func wildcard(paths []string, depth int) []string {
	set := map[string]bool{}
	for _, p := range paths {
		segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
		if len(segs)-1 > depth {
			set["/"+strings.Join(segs[:depth], "/")+"/*"] = true
			continue
		}
		set[p] = true
	}
	return sortedKeys(set)
}

// maxDepth is how many folders deep the deepest path is.
func maxDepth(paths []string) int {
	d := 0
	for _, p := range paths {
		d = max(d, strings.Count(p, "/")-1)
	}
	return d
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Plan returns the invalidation requests for the changed URL paths: each a
// list of at most the service's batch size.
func (c *CDN) Plan(changed []string) [][]string {
	paths := InvalidationPaths(changed, c.limit)
	var batches [][]string
	for len(paths) > 0 {
		n := min(len(paths), c.batch)
		batches = append(batches, paths[:n])
		paths = paths[n:]
	}
	return batches
}

// Invalidate asks CloudFront to drop its copies of the changed URL paths,
// and returns the IDs of the invalidations it created.
func (c *CDN) Invalidate(ctx context.Context, changed []string) ([]string, error) {
	batches := c.Plan(changed)
	if len(batches) == 0 {
		return nil, nil
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(c.region))
	if err != nil {
		return nil, fmt.Errorf("%s: AWS credentials: %w", c, err)
	}
	client := cloudfront.NewFromConfig(cfg, func(o *cloudfront.Options) {
		if c.endpoint != "" {
			o.BaseEndpoint = aws.String(c.endpoint)
		}
	})
	var ids []string
	for i, batch := range batches {
		// The caller reference makes a retried request the same invalidation.
		ref := "weeknotes-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.Itoa(i)
		out, err := client.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{
			DistributionId: aws.String(c.Distribution),
			InvalidationBatch: &cftypes.InvalidationBatch{
				CallerReference: aws.String(ref),
				Paths:           &cftypes.Paths{Quantity: aws.Int32(int32(len(batch))), Items: batch},
			},
		})
		if err != nil {
			return ids, fmt.Errorf("%s: invalidate %d paths: %w", c, len(batch), err)
		}
		if out.Invalidation != nil && out.Invalidation.Id != nil {
			ids = append(ids, *out.Invalidation.Id)
		}
	}
	return ids, nil
}
