package corpus

import "strings"

// The vocabulary of the corpus: weeknotes are about work, tools and the
// rest of the week.
var (
	words = strings.Fields(`
the a of and to in is was it for on with as at by this that from but not we
our they were have had been some more most only also just still then when while
after before during week weekend morning afternoon evening meeting review release
deploy build test tests testing bug bugs fix fixes patch feature branch merge
commit pipeline cluster policy policies engine server client request response
cache latency throughput memory profile benchmark garden coffee bicycle train
rain sunshine walk book podcast notes draft plan planning roadmap team colleague
customer support incident postmortem design document proposal prototype library
module package dependency upgrade migration database schema query index table
config configuration template layout page site blog post writing reading
learning slow quick small large careful messy tidy simple complicated useful
odd quiet busy long short early late finally again nearly almost really quite
shipped wrote read fixed broke learned tried started finished paired reviewed
discussed planned moved renamed deleted added measured noticed enjoyed skipped
kubernetes container rego golang python yaml json terraform linux laptop
keyboard editor terminal shell script function interface struct channel
goroutine error errors logging metrics tracing dashboard alert oncall holiday
family friends kitchen bread soup weather autumn winter spring summer`)
	nouns = strings.Fields(`coffee tests release keyboard garden pipeline policy engine cache
rain bread podcast roadmap incident migration benchmark bicycle deadline
refactor dashboard holiday inbox backlog prototype`)
	adjectives = strings.Fields(`slow quiet busy long short messy tidy odd careful early late small
sunny rainy flaky patient`)
	tags      = strings.Fields(`go rego opa kubernetes python writing reading garden meta tooling travel`)
	domains   = []string{"https://go.dev/blog/", "https://github.com/example/", "https://www.example.org/", "https://en.wikipedia.org/wiki/", "https://news.example.com/", "https://docs.example.io/"}
	zones     = []string{"-0600", "-0500", "+0000", "+0100", "-0800"}
	languages = []string{"go", "python", "bash", "yaml", "json", "rego"}
)
