// Package testapps holds the processes the end-to-end test scrapes, run
// in-process on loopback: an inference service, a training job, a stand-in
// kube-state-metrics, and the webhook that collects Alertmanager's
// notifications. Every server binds 127.0.0.1 on a free port.
package testapps

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// server is an HTTP server on 127.0.0.1 serving a registry on /metrics.
type server struct {
	ln  net.Listener
	srv *http.Server
}

func startServer(h http.Handler) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &server{ln: ln, srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}}
	go s.srv.Serve(ln) //nolint:errcheck // ErrServerClosed on Close.
	return s, nil
}

func metricsMux(reg *prometheus.Registry) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	return mux
}

// Addr is host:port.
func (s *server) Addr() string { return s.ln.Addr().String() }

// Port is the TCP port.
func (s *server) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr())
	n, _ := strconv.Atoi(p)
	return n
}

// URL is http://host:port.
func (s *server) URL() string { return "http://" + s.Addr() }

func (s *server) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}

// ticking runs a function every tick, in its own goroutine, until Stop:
// the request loop of the stand-ins.
type ticking struct{ stop, done chan struct{} }

func startTicking(tick time.Duration, f func()) *ticking {
	t := &ticking{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(t.done)
		tk := time.NewTicker(tick)
		defer tk.Stop()
		for {
			select {
			case <-t.stop:
				return
			case <-tk.C:
			}
			f()
		}
	}()
	return t
}

// Stop stops the loop and waits for its last run; it may be called again.
func (t *ticking) Stop() {
	select {
	case <-t.stop:
	default:
		close(t.stop)
	}
	<-t.done
}
