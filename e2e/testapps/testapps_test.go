package testapps

import (
	"bytes"
	"context"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// series returns the lines of the exposition that start with prefix.
func series(text, prefix string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

func TestInference(t *testing.T) {
	a, err := StartInference(InferenceOptions{Models: []string{"m"}, RequestsPerSecond: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	a.SetErrorRatio(0.5)
	a.SetLatency(2)
	time.Sleep(350 * time.Millisecond)
	text := scrape(t, a.URL())
	for _, p := range []string{
		`inference_requests_total{model_name="m",status="error"}`,
		`inference_requests_total{model_name="m",status="success"}`,
		`inference_request_duration_seconds_bucket{model_name="m",le="2.5"}`,
	} {
		if len(series(text, p)) != 1 {
			t.Errorf("no %s in\n%s", p, text)
		}
	}
	// Every request took 2s: none in the 1s bucket.
	if got := series(text, `inference_request_duration_seconds_bucket{model_name="m",le="1"}`); len(got) != 1 || !strings.HasSuffix(got[0], " 0") {
		t.Errorf("1s bucket: %v", got)
	}
	// Half the requests failed.
	errs := series(text, `inference_requests_total{model_name="m",status="error"}`)[0]
	ok := series(text, `inference_requests_total{model_name="m",status="success"}`)[0]
	ne, _ := strconv.ParseFloat(strings.Fields(errs)[1], 64)
	ns, _ := strconv.ParseFloat(strings.Fields(ok)[1], 64)
	if ne < 10 || math.Abs(ne-ns) > 1 { // a scrape may land between two requests
		t.Errorf("error ratio 0.5: %s vs %s", errs, ok)
	}
}

func TestTrainingStall(t *testing.T) {
	a, err := StartTraining("", "")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	time.Sleep(450 * time.Millisecond)
	a.Stall(true)
	time.Sleep(250 * time.Millisecond)
	before := series(scrape(t, a.URL()), "training_loss ")
	time.Sleep(450 * time.Millisecond)
	after := series(scrape(t, a.URL()), "training_loss ")
	if len(before) != 1 || before[0] != after[0] {
		t.Errorf("stalled loss changed: %v → %v", before, after)
	}
	if before[0] == "training_loss 2.5" {
		t.Error("loss never progressed")
	}
}

func TestWebhook(t *testing.T) {
	w, err := StartWebhook()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	since := time.Now()
	body := `{"version":"4","status":"firing","receiver":"r","alerts":[{"status":"firing","labels":{"alertname":"A"},"annotations":{"summary":"s"}}]}`
	resp, err := http.Post(w.URL()+"/hook", "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, a, err := w.WaitAlert(ctx, since, func(_ Notification, a Alert) bool { return a.Labels["alertname"] == "A" })
	if err != nil {
		t.Fatal(err)
	}
	if n.Receiver != "r" || n.Path != "/hook" || a.Annotations["summary"] != "s" {
		t.Errorf("got %+v %+v", n, a)
	}
	resp, err = http.Post(w.URL()+"/hook", "application/json", bytes.NewBufferString("{"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || len(w.Errors()) != 1 {
		t.Errorf("bad payload: %d %v", resp.StatusCode, w.Errors())
	}
}

func TestLoopbackOnly(t *testing.T) {
	a, err := StartInference(InferenceOptions{Models: []string{"m"}, Host: "127.0.0.7"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.Host() != "127.0.0.7" {
		t.Errorf("listening on %s, want 127.0.0.7", a.Addr())
	}
	if _, err := StartTraining("", "0.0.0.0"); err == nil {
		t.Error("a test app listened on every interface")
	}
}
