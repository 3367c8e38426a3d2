package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/build"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	gcaws "gocloud.dev/aws"
	"gocloud.dev/blob"
	"gocloud.dev/blob/s3blob"
)

// The tests that need S3 run against versitygw, a real S3 server that checks
// request signatures, started on a loopback port for the whole package.
const (
	testAccessKey = "weeknotes-test"
	testSecretKey = "weeknotes-test-secret"
	testRegion    = "us-east-1"
)

var (
	versitygwBin string     // path of the binary, "" when not found
	sharedS3     *versitygw // the package's server; nil without versitygw
	noS3Reason   string     // why S3 tests are skipped
	afterTests   []func()   // cleanups of what tests shared across runs
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	// Credentials for the test server only, and nothing from the machine's
	// own AWS configuration.
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           testAccessKey,
		"AWS_SECRET_ACCESS_KEY":       testSecretKey,
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_CONFIG_FILE":             os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
	} {
		os.Setenv(k, v)
	}
	for _, k := range []string{"AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"} {
		os.Unsetenv(k)
	}

	bin, err := findVersitygw()
	if err != nil {
		if os.Getenv("CI") != "" {
			fmt.Fprintf(os.Stderr, "publish tests: %v; CI is set, so the S3 tests may not be skipped\n", err)
			return 1
		}
		noS3Reason = fmt.Sprintf("S3 tests skipped: %v (install it with go install github.com/versity/versitygw/cmd/versitygw@v1.8.0, or set WEEKNOTES_VERSITYGW)", err)
		return m.Run()
	}
	versitygwBin = bin
	dir, err := os.MkdirTemp("", "weeknotes-publish-s3-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	sharedS3, err = startVersitygw(dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "publish tests: %v\n", err)
		return 1
	}
	defer sharedS3.stop()
	defer func() {
		for _, f := range afterTests {
			f()
		}
	}()
	return m.Run()
}

// findVersitygw looks in $WEEKNOTES_VERSITYGW, then PATH, then the Go bin
// folder, where go install puts it.
func findVersitygw() (string, error) {
	if p := os.Getenv("WEEKNOTES_VERSITYGW"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("WEEKNOTES_VERSITYGW: %w", err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	gopath := build.Default.GOPATH
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		if p := strings.TrimSpace(string(out)); p != "" {
			gopath = p
		}
	}
	for _, root := range filepath.SplitList(gopath) {
		p := filepath.Join(root, "bin", "versitygw")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("versitygw not found in $WEEKNOTES_VERSITYGW, PATH or $(go env GOPATH)/bin")
}

// versitygw is a running S3 server keeping its buckets as folders of dir.
type versitygw struct {
	dir    string
	addr   string
	cmd    *exec.Cmd
	exited chan struct{}
	output *syncBuffer
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startVersitygw starts a server on a free loopback port serving the
// buckets in dir, trying another port if the one picked was taken meanwhile.
func startVersitygw(dir string) (*versitygw, error) {
	var lastErr error
	for range 3 {
		addr, err := freeLoopbackAddr()
		if err != nil {
			return nil, err
		}
		srv := &versitygw{dir: dir, addr: addr, exited: make(chan struct{}), output: &syncBuffer{}}
		srv.cmd = exec.Command(versitygwBin, "--port", addr, "--access", testAccessKey, "--secret", testSecretKey,
			"--region", testRegion, "--quiet", "posix", dir)
		srv.cmd.Stdout, srv.cmd.Stderr = srv.output, srv.output
		if err := srv.cmd.Start(); err != nil {
			return nil, fmt.Errorf("start versitygw: %w", err)
		}
		go func() {
			_ = srv.cmd.Wait()
			close(srv.exited)
		}()
		if lastErr = srv.waitReady(10 * time.Second); lastErr == nil {
			return srv, nil
		}
		srv.kill()
	}
	return nil, lastErr
}

func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitReady waits until the server answers an HTTP request (with any
// status: an unsigned request is refused, which is answer enough).
func (s *versitygw) waitReady(timeout time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return fmt.Errorf("versitygw exited early: %s", s.output.String())
		default:
		}
		if resp, err := client.Get("http://" + s.addr + "/"); err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("versitygw did not answer on %s within %s: %s", s.addr, timeout, s.output.String())
}

// stop ends the server gently, then firmly.
func (s *versitygw) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		s.kill()
	}
}

// kill ends the server at once, as a crash or a network failure would.
func (s *versitygw) kill() {
	_ = s.cmd.Process.Kill()
	<-s.exited
}

var bucketCount atomic.Int64

var notBucketChars = regexp.MustCompile(`[^a-z0-9-]+`)

// newBucket creates an empty bucket named after the test and returns its URL.
func (s *versitygw) newBucket(t testing.TB) string {
	t.Helper()
	name := notBucketChars.ReplaceAllString(strings.ToLower(t.Name()), "-")
	name = fmt.Sprintf("b%d-%s", bucketCount.Add(1), name)
	name = strings.TrimRight(name[:min(len(name), 60)], "-")
	if err := os.Mkdir(filepath.Join(s.dir, name), 0o755); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	return s.url(name)
}

// url is the blob URL of a bucket on this server.
func (s *versitygw) url(bucket string) string {
	return fmt.Sprintf("s3://%s?endpoint=http://%s&region=%s&use_path_style=true", bucket, s.addr, testRegion)
}

// openWithoutClientRetries opens a bucket whose S3 client does not retry,
// so that a test of the package's own retries fails quickly.
func (s *versitygw) openWithoutClientRetries(t testing.TB, bucket string) *blob.Bucket {
	t.Helper()
	ctx := context.Background()
	cfg, err := gcaws.V2ConfigFromURLParams(ctx, url.Values{"region": {testRegion}, "endpoint": {"http://" + s.addr}})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	b, err := s3blob.OpenBucket(ctx, client, bucket, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// backend is a kind of target the scenario tests run against.
type backend struct {
	name string
	// newTarget returns the URL of a new, empty target.
	newTarget func(t testing.TB) string
}

// backends returns the targets to test: a local folder always, and S3 when
// versitygw is available.
func backends() []backend {
	return []backend{
		// A folder with metadata sidecars stands in for a bucket that keeps
		// each object's metadata; file:// targets skip them by default
		// (TestFileTargetIsExactlyTheSite).
		{name: "file", newTarget: func(t testing.TB) string { return "file://" + filepath.ToSlash(t.TempDir()) + "?metadata=" }},
		{name: "s3", newTarget: func(t testing.TB) string {
			requireS3(t)
			return sharedS3.newBucket(t)
		}},
	}
}

// requireS3 skips the test when there is no S3 server.
func requireS3(t testing.TB) {
	t.Helper()
	if sharedS3 == nil {
		t.Skip(noS3Reason)
	}
}

// openTarget opens a target URL through ParseTarget, as the command does.
func openTarget(t testing.TB, rawURL string) (*blob.Bucket, Target) {
	t.Helper()
	target, err := ParseTarget(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	bucket, err := target.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bucket.Close() })
	return bucket, target
}
