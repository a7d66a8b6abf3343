package testapps

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Notification is Alertmanager's webhook payload (version 4).
type Notification struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []Alert           `json:"alerts"`

	// Received is when the webhook got it (not part of the payload).
	Received time.Time `json:"-"`
	// Path is the URL path it was posted to.
	Path string `json:"-"`
}

// Alert is one alert of a notification.
type Alert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// Webhook collects the notifications Alertmanager posts to it (any path).
type Webhook struct {
	*server

	mu      sync.Mutex
	got     []Notification
	changed chan struct{}
	errs    []string
}

// StartWebhook starts the collector.
func StartWebhook() (*Webhook, error) {
	w := &Webhook{changed: make(chan struct{})}
	s, err := startServer("", http.HandlerFunc(w.serve))
	if err != nil {
		return nil, err
	}
	w.server = s
	return w, nil
}

func (w *Webhook) serve(rw http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	var n Notification
	if err == nil {
		err = json.Unmarshal(body, &n)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.errs = append(w.errs, r.Method+" "+r.URL.Path+": "+err.Error())
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	n.Received = time.Now()
	n.Path = r.URL.Path
	w.got = append(w.got, n)
	close(w.changed)
	w.changed = make(chan struct{})
}

// Close stops the server.
func (w *Webhook) Close() error { return w.close() }

// Notifications returns every notification received so far.
func (w *Webhook) Notifications() []Notification {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.got)
}

// Errors returns the requests that could not be decoded.
func (w *Webhook) Errors() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.errs)
}

// WaitAlert waits until a notification received at or after since carries an
// alert for which match returns true, and returns both.
func (w *Webhook) WaitAlert(ctx context.Context, since time.Time, match func(Notification, Alert) bool) (Notification, Alert, error) {
	for {
		w.mu.Lock()
		for _, n := range w.got {
			if n.Received.Before(since) {
				continue
			}
			for _, a := range n.Alerts {
				if match(n, a) {
					w.mu.Unlock()
					return n, a, nil
				}
			}
		}
		ch := w.changed
		w.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return Notification{}, Alert{}, ctx.Err()
		}
	}
}

// Since returns the notifications received at or after t.
func (w *Webhook) Since(t time.Time) []Notification {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []Notification
	for _, n := range w.got {
		if !n.Received.Before(t) {
			out = append(out, n)
		}
	}
	return out
}
