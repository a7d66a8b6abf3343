// Package testapps holds the processes the end-to-end test scrapes, run
// in-process on loopback: stand-ins of the inference servers (vLLM's and
// Triton's exact metric families, and the generic server), a training job,
// dcgm-exporter's GPU series, and the webhook that collects Alertmanager's
// notifications. Every server binds 127.0.0.1 on a free port.
package testapps

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// server is an HTTP server on a loopback address serving a registry on
// /metrics.
type server struct {
	ln  net.Listener
	srv *http.Server
}

// startServer listens on host (a loopback address; "" is 127.0.0.1) on a
// free port.
func startServer(host string, h http.Handler) (*server, error) {
	if host == "" {
		host = "127.0.0.1"
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("test apps listen on loopback addresses only, not %q", host)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
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

// Host is the address the server listens on.
func (s *server) Host() string {
	h, _, _ := net.SplitHostPort(s.Addr())
	return h
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
