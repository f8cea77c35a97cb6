// Command odi-load measures how many survey submissions a running odi takes.
//
// It reads a published survey's definition, prepares valid complete
// submissions, and sends them through the public API with C concurrent clients
// (closed loop) or at a fixed rate (open loop), bounded by a count and a
// duration. With -ceiling it first sends the same bodies as dry runs
// (decoded and validated, never stored), which is the framework's ceiling for
// this work, and prints the ratio of the two.
//
//	odi-load -url http://127.0.0.1:8080 -slug abcd1234 -c 64 -n 50000 -ceiling
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"
)

type config struct {
	url, slug string
	clients   int
	count     int
	duration  time.Duration
	rate      float64
	ceiling   bool
	seed      uint64
}

func main() {
	var cfg config
	flag.StringVar(&cfg.url, "url", "http://127.0.0.1:8080", "odi base URL (loopback only)")
	flag.StringVar(&cfg.slug, "slug", "", "slug of an open survey (required)")
	flag.IntVar(&cfg.clients, "c", 64, "concurrent clients")
	flag.IntVar(&cfg.count, "n", 20000, "submissions to send at most")
	flag.DurationVar(&cfg.duration, "d", 60*time.Second, "stop after this long at most")
	flag.Float64Var(&cfg.rate, "rate", 0, "open loop: submissions per second (0 = closed loop)")
	flag.BoolVar(&cfg.ceiling, "ceiling", false, "also measure dry runs of the same submissions (the framework ceiling)")
	flag.Uint64Var(&cfg.seed, "seed", 1, "random seed for answers")
	flag.Parse()
	if cfg.slug == "" || cfg.clients < 1 || cfg.count < 1 || cfg.duration <= 0 {
		fmt.Fprintln(os.Stderr, "odi-load: -slug is required; -c, -n and -d must be positive")
		os.Exit(2)
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "odi-load:", err)
		os.Exit(1)
	}
}

// survey is the part of GET /api/v1/s/{slug} that submissions need.
type survey struct {
	Screeners []question `json:"screeners"`
	Profile   []question `json:"profile"`
	Pages     []struct {
		Items []struct {
			Code string `json:"code"`
		} `json:"items"`
	} `json:"pages"`
	Forces *json.RawMessage `json:"forces"`
}

type question struct {
	Key       string   `json:"key"`
	Kind      string   `json:"kind"`
	Options   []string `json:"options"`
	ScreenOut []string `json:"screen_out"`
	Min       *float64 `json:"min"`
}

func run(cfg config) error {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: cfg.clients * 2, MaxIdleConnsPerHost: cfg.clients * 2, IdleConnTimeout: time.Minute,
	}}
	resp, err := client.Get(cfg.url + "/api/v1/s/" + cfg.slug)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET survey %s: %s", cfg.slug, resp.Status)
	}
	var sv survey
	if err := json.NewDecoder(resp.Body).Decode(&sv); err != nil {
		return fmt.Errorf("decode survey: %w", err)
	}
	bodies := prepare(sv, cfg)
	outcomes := 0
	for _, p := range sv.Pages {
		outcomes += len(p.Items)
	}
	fmt.Printf("survey %s: %d outcomes, %d profile questions; %d clients, %s\n\n", cfg.slug, outcomes, len(sv.Screeners)+len(sv.Profile), cfg.clients, mode(cfg))

	var results []result
	if cfg.ceiling {
		results = append(results, load(client, cfg, bodies, "dry run (ceiling)", "?dry_run=1"))
	}
	results = append(results, load(client, cfg, bodies, "submit", ""))
	report(os.Stdout, results)
	return nil
}

func mode(cfg config) string {
	if cfg.rate > 0 {
		return fmt.Sprintf("open loop at %.0f/s", cfg.rate)
	}
	return "closed loop"
}

// prepare makes valid complete submissions; their submission_id is filled
// per request.
func prepare(sv survey, cfg config) [][]byte {
	rng := rand.New(rand.NewPCG(cfg.seed, 7))
	const variants = 256
	out := make([][]byte, variants)
	for v := range out {
		answers := map[string]any{}
		for _, q := range append(slices.Clone(sv.Screeners), sv.Profile...) {
			switch q.Kind {
			case "single":
				var ok []string
				for _, o := range q.Options {
					if !slices.Contains(q.ScreenOut, o) {
						ok = append(ok, o)
					}
				}
				answers[q.Key] = ok[rng.IntN(len(ok))]
			case "multi":
				answers[q.Key] = []string{q.Options[rng.IntN(len(q.Options))]}
			case "nps":
				answers[q.Key] = rng.IntN(11)
			case "number":
				n := 1.0
				if q.Min != nil {
					n = *q.Min
				}
				answers[q.Key] = n
			case "text":
				answers[q.Key] = "load test"
			}
		}
		ratings := map[string]any{}
		for _, p := range sv.Pages {
			for _, it := range p.Items {
				ratings[it.Code] = map[string]int{"importance": 1 + rng.IntN(5), "satisfaction": 1 + rng.IntN(5)}
			}
		}
		body := map[string]any{"submission_id": "SUBMISSION-ID-PLACEHOLDER-0000000000", "answers": answers, "ratings": ratings, "complete": true}
		if sv.Forces != nil {
			body["forces"] = map[string]int{"push": 1 + rng.IntN(10), "pull": 1 + rng.IntN(10), "anxiety": 1 + rng.IntN(10), "habit": 1 + rng.IntN(10)}
		}
		out[v], _ = json.Marshal(body)
	}
	return out
}

type result struct {
	name      string
	sent      int
	ok        int
	byStatus  map[int]int
	netErrors int
	elapsed   time.Duration
	latencies []time.Duration
}

func load(client *http.Client, cfg config, bodies [][]byte, name, query string) result {
	ctx, cancel := context.WithTimeout(context.Background(), cfg.duration)
	defer cancel()
	var next atomic.Int64
	var mu sync.Mutex
	res := result{name: name, byStatus: map[int]int{}}
	var tick <-chan time.Time
	if cfg.rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / cfg.rate))
		defer t.Stop()
		tick = t.C
	}
	url := cfg.url + "/api/v1/s/" + cfg.slug + "/responses" + query
	placeholder := []byte("SUBMISSION-ID-PLACEHOLDER-0000000000")
	start := time.Now()
	var wg sync.WaitGroup
	for range cfg.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			local := map[int]int{}
			netErr, ok := 0, 0
			buf := make([]byte, 0, 8192)
			for {
				i := next.Add(1)
				if int(i) > cfg.count || ctx.Err() != nil {
					break
				}
				if tick != nil {
					select {
					case <-tick:
					case <-ctx.Done():
					}
					if ctx.Err() != nil {
						break
					}
				}
				body := bodies[int(i)%len(bodies)]
				buf = append(buf[:0], body...)
				at := bytes.Index(buf, placeholder)
				copy(buf[at:], uuid.NewString())
				t0 := time.Now()
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(buf))
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						netErr++
					}
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(t0))
				local[resp.StatusCode]++
				if resp.StatusCode < 300 {
					ok++
				}
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			for k, v := range local {
				res.byStatus[k] += v
			}
			res.netErrors += netErr
			res.ok += ok
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.sent = len(res.latencies) + res.netErrors
	return res
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return ds[min(len(ds)-1, int(p*float64(len(ds))))]
}

func report(w io.Writer, results []result) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\trequests\tok\tper second\tp50\tp95\tp99\tmax\terrors\t")
	var rates []float64
	for _, r := range results {
		sort.Slice(r.latencies, func(i, j int) bool { return r.latencies[i] < r.latencies[j] })
		rate := float64(r.ok) / r.elapsed.Seconds()
		rates = append(rates, rate)
		var errs []string
		for code, n := range r.byStatus {
			if code >= 300 {
				errs = append(errs, fmt.Sprintf("%d×%d", n, code))
			}
		}
		if r.netErrors > 0 {
			errs = append(errs, fmt.Sprintf("%d×network", r.netErrors))
		}
		sort.Strings(errs)
		e := strings.Join(errs, " ")
		if e == "" {
			e = "none"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%s\t%s\t%s\t%s\t%s\t\n", r.name, r.sent, r.ok, rate,
			ms(pct(r.latencies, .50)), ms(pct(r.latencies, .95)), ms(pct(r.latencies, .99)), ms(pct(r.latencies, 1)), e)
	}
	tw.Flush()
	if len(rates) == 2 && rates[0] > 0 {
		fmt.Fprintf(w, "\nsubmit / ceiling = %.2f\n", rates[1]/rates[0])
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
