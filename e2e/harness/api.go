package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Prometheus is a client of the Prometheus HTTP API.
type Prometheus struct {
	URL string // http://127.0.0.1:port
}

// Target is one active target.
type Target struct {
	DiscoveredLabels map[string]string `json:"discoveredLabels"`
	Labels           map[string]string `json:"labels"`
	ScrapePool       string            `json:"scrapePool"`
	ScrapeURL        string            `json:"scrapeUrl"`
	LastError        string            `json:"lastError"`
	Health           string            `json:"health"`
}

// DroppedTarget is a discovered target that relabeling dropped.
type DroppedTarget struct {
	DiscoveredLabels map[string]string `json:"discoveredLabels"`
	ScrapePool       string            `json:"scrapePool"`
}

// PromAlert is an alert as Prometheus holds it (pending or firing).
type PromAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	State       string            `json:"state"`
	ActiveAt    time.Time         `json:"activeAt"`
	Value       string            `json:"value"`
}

// Rule is one rule of /api/v1/rules.
type Rule struct {
	Name      string `json:"name"`
	Query     string `json:"query"`
	Health    string `json:"health"`
	LastError string `json:"lastError"`
	Type      string `json:"type"`
	State     string `json:"state"`
	Group     string `json:"-"`
}

// Sample is one element of an instant vector.
type Sample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

func getJSON(ctx context.Context, u string, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", u, resp.Status, b)
	}
	return json.Unmarshal(b, out)
}

type apiResponse[T any] struct {
	Status    string `json:"status"`
	Data      T      `json:"data"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
}

func (p *Prometheus) get(ctx context.Context, path string, data any) error {
	var r apiResponse[json.RawMessage]
	if err := getJSON(ctx, p.URL+path, &r); err != nil {
		return err
	}
	if r.Status != "success" {
		return fmt.Errorf("GET %s: %s: %s", path, r.ErrorType, r.Error)
	}
	return json.Unmarshal(r.Data, data)
}

// Ready reports whether /-/ready answers 200.
func (p *Prometheus) Ready(ctx context.Context) bool {
	return ready(ctx, p.URL+"/-/ready")
}

// HTTPReady reports whether GET u answers 200.
func HTTPReady(ctx context.Context, u string) bool { return ready(ctx, u) }

func ready(ctx context.Context, u string) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// Targets returns the active and dropped targets.
func (p *Prometheus) Targets(ctx context.Context) ([]Target, []DroppedTarget, error) {
	var d struct {
		Active  []Target        `json:"activeTargets"`
		Dropped []DroppedTarget `json:"droppedTargets"`
	}
	err := p.get(ctx, "/api/v1/targets?state=any", &d)
	return d.Active, d.Dropped, err
}

// Alerts returns the pending and firing alerts.
func (p *Prometheus) Alerts(ctx context.Context) ([]PromAlert, error) {
	var d struct {
		Alerts []PromAlert `json:"alerts"`
	}
	err := p.get(ctx, "/api/v1/alerts", &d)
	return d.Alerts, err
}

// Rules returns every loaded rule with its health.
func (p *Prometheus) Rules(ctx context.Context) ([]Rule, error) {
	var d struct {
		Groups []struct {
			Name  string `json:"name"`
			Rules []Rule `json:"rules"`
		} `json:"groups"`
	}
	if err := p.get(ctx, "/api/v1/rules", &d); err != nil {
		return nil, err
	}
	var out []Rule
	for _, g := range d.Groups {
		for _, r := range g.Rules {
			r.Group = g.Name
			out = append(out, r)
		}
	}
	return out, nil
}

// Query runs an instant query.
func (p *Prometheus) Query(ctx context.Context, q string) ([]Sample, error) {
	var d struct {
		ResultType string   `json:"resultType"`
		Result     []Sample `json:"result"`
	}
	if err := p.get(ctx, "/api/v1/query?query="+url.QueryEscape(q), &d); err != nil {
		return nil, err
	}
	if d.ResultType != "vector" {
		return nil, fmt.Errorf("query %q: result type %s", q, d.ResultType)
	}
	return d.Result, nil
}

// Alertmanager is a client of the Alertmanager v2 API.
type Alertmanager struct {
	URL string
}

// Ready reports whether /-/ready answers 200.
func (a *Alertmanager) Ready(ctx context.Context) bool {
	return ready(ctx, a.URL+"/-/ready")
}

// AMAlert is an alert as Alertmanager holds it.
type AMAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	Status      struct {
		State       string   `json:"state"`
		InhibitedBy []string `json:"inhibitedBy"`
		SilencedBy  []string `json:"silencedBy"`
	} `json:"status"`
	Receivers []struct {
		Name string `json:"name"`
	} `json:"receivers"`
}

// Alerts returns the alerts Alertmanager holds.
func (a *Alertmanager) Alerts(ctx context.Context) ([]AMAlert, error) {
	var out []AMAlert
	err := getJSON(ctx, a.URL+"/api/v2/alerts", &out)
	return out, err
}
