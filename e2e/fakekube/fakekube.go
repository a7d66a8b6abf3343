// Package fakekube is a minimal Kubernetes API server for pods, on loopback,
// good enough for Prometheus's kubernetes_sd_configs (role: pod).
//
// It answers what client-go's reflector asks (Prometheus 2.x and 3.x):
//
//   - list:       GET /api/v1[/namespaces/NS]/pods?limit=500&resourceVersion=0
//   - watch:      GET ...?watch=true&resourceVersion=N&allowWatchBookmarks=true
//   - watch-list: GET ...?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan
//     answered with one ADDED event per pod and then a BOOKMARK annotated
//     "k8s.io/initial-events-end": "true" (or 400 when WatchList is disabled,
//     which makes the client fall back to list+watch).
//
// Every answer is application/json; a watch is one JSON event per line,
// flushed after each. Label selectors (=, ==, !=, exists, !exists, in, notin)
// and field selectors (=, ==, != on metadata.name, metadata.namespace,
// status.phase, spec.nodeName) are honoured.
//
// Pods are added, replaced and deleted at run time; watchers get ADDED,
// MODIFIED and DELETED events.
package fakekube

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Pod describes a pod the way the test wants to see it discovered.
type Pod struct {
	Namespace string
	Name      string
	Labels    map[string]string
	// Phase defaults to "Running".
	Phase string
	// IP defaults to "127.0.0.1".
	IP string
	// Ready defaults to true (a Ready condition with status "True").
	NotReady bool
	// NodeName defaults to "e2e-node".
	NodeName string
	// Containers of the pod; each with named ports.
	Containers []Container
	// OwnerKind/OwnerName set an ownerReference (e.g. "ReplicaSet", "Job").
	OwnerKind, OwnerName string
}

// Container is one container of a pod.
type Container struct {
	Name  string
	Ports []Port
}

// Port is one container port.
type Port struct {
	Name string
	Port int
}

// Options configure a Server.
type Options struct {
	// DisableWatchList answers watch-list requests (sendInitialEvents=true)
	// with 400 Bad Request, as an API server without the feature does; the
	// client then falls back to list+watch.
	DisableWatchList bool
	// Logf, when set, receives one line per request.
	Logf func(format string, args ...any)
}

// Server is a fake Kubernetes API serving pods.
type Server struct {
	opts Options
	ln   net.Listener
	srv  *http.Server

	mu       sync.Mutex
	rv       int64
	pods     map[string]*podObject // key ns/name
	uids     int
	events   []event // every change, in resourceVersion order
	changed  chan struct{}
	closed   bool
	requests []string
	ctx      context.Context
	cancel   context.CancelFunc
}

type event struct {
	Type string
	RV   int64
	Obj  *podObject
}

// Start listens on 127.0.0.1 (a free port) and serves until Close.
func Start(opts Options) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		opts:    opts,
		ln:      ln,
		pods:    map[string]*podObject{},
		rv:      100,
		changed: make(chan struct{}),
		ctx:     ctx,
		cancel:  cancel,
	}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln) //nolint:errcheck // ErrServerClosed on Close.
	return s, nil
}

// URL is the API server address, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Close stops the server and ends every watch.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}

// Requests returns the request lines seen so far ("GET /api/v1/...?...").
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// AddPod adds a pod, or replaces the pod of the same namespace and name
// (a MODIFIED event then).
func (s *Server) AddPod(p Pod) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := p.Namespace + "/" + p.Name
	old, exists := s.pods[key]
	s.rv++
	uid := ""
	if exists {
		uid = old.Metadata.UID
	} else {
		s.uids++
		uid = fmt.Sprintf("00000000-0000-4000-8000-%012d", s.uids)
	}
	obj := newPodObject(p, uid, s.rv)
	s.pods[key] = obj
	typ := "ADDED"
	if exists {
		typ = "MODIFIED"
	}
	s.appendEvent(typ, obj)
}

// DeletePod removes a pod; it reports whether the pod existed.
func (s *Server) DeletePod(namespace, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := namespace + "/" + name
	old, ok := s.pods[key]
	if !ok {
		return false
	}
	delete(s.pods, key)
	s.rv++
	gone := *old
	gone.Metadata.ResourceVersion = strconv.FormatInt(s.rv, 10)
	s.appendEvent("DELETED", &gone)
	return true
}

// Pods returns the names (namespace/name) of the current pods, sorted.
func (s *Server) Pods() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.pods {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func (s *Server) appendEvent(typ string, obj *podObject) {
	s.events = append(s.events, event{Type: typ, RV: s.rv, Obj: obj})
	close(s.changed)
	s.changed = make(chan struct{})
}

// ---- wire types (only what the pod role reads) ----

type podObject struct {
	Kind       string     `json:"kind"`
	APIVersion string     `json:"apiVersion"`
	Metadata   objectMeta `json:"metadata"`
	Spec       *podSpec   `json:"spec,omitempty"`
	Status     *podStatus `json:"status,omitempty"`
	labelsRef  labelSource
}

type labelSource map[string]string

type objectMeta struct {
	Name              string            `json:"name,omitempty"`
	Namespace         string            `json:"namespace,omitempty"`
	UID               string            `json:"uid,omitempty"`
	ResourceVersion   string            `json:"resourceVersion,omitempty"`
	CreationTimestamp string            `json:"creationTimestamp,omitempty"`
	Labels            map[string]string `json:"labels,omitempty"`
	Annotations       map[string]string `json:"annotations,omitempty"`
	OwnerReferences   []ownerReference  `json:"ownerReferences,omitempty"`
}

type ownerReference struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	UID        string `json:"uid"`
	Controller bool   `json:"controller"`
}

type podSpec struct {
	NodeName   string          `json:"nodeName,omitempty"`
	Containers []containerSpec `json:"containers"`
}

type containerSpec struct {
	Name  string          `json:"name"`
	Image string          `json:"image"`
	Ports []containerPort `json:"ports,omitempty"`
}

type containerPort struct {
	Name          string `json:"name,omitempty"`
	ContainerPort int    `json:"containerPort"`
	Protocol      string `json:"protocol"`
}

type podStatus struct {
	Phase             string            `json:"phase"`
	HostIP            string            `json:"hostIP,omitempty"`
	PodIP             string            `json:"podIP,omitempty"`
	PodIPs            []podIP           `json:"podIPs,omitempty"`
	StartTime         string            `json:"startTime,omitempty"`
	Conditions        []podCondition    `json:"conditions,omitempty"`
	ContainerStatuses []containerStatus `json:"containerStatuses,omitempty"`
}

type podIP struct {
	IP string `json:"ip"`
}

type podCondition struct {
	Type   string `json:"type"`
	Status string `json:"status"`
}

type containerStatus struct {
	Name         string         `json:"name"`
	Ready        bool           `json:"ready"`
	RestartCount int            `json:"restartCount"`
	Image        string         `json:"image"`
	ImageID      string         `json:"imageID"`
	ContainerID  string         `json:"containerID"`
	Started      bool           `json:"started"`
	State        map[string]any `json:"state"`
}

const created = "2026-01-01T00:00:00Z"

func newPodObject(p Pod, uid string, rv int64) *podObject {
	phase := p.Phase
	if phase == "" {
		phase = "Running"
	}
	ip := p.IP
	if ip == "" {
		ip = "127.0.0.1"
	}
	node := p.NodeName
	if node == "" {
		node = "e2e-node"
	}
	ready := "True"
	if p.NotReady {
		ready = "False"
	}
	labels := map[string]string{}
	for k, v := range p.Labels {
		labels[k] = v
	}
	o := &podObject{
		Kind:       "Pod",
		APIVersion: "v1",
		Metadata: objectMeta{
			Name:              p.Name,
			Namespace:         p.Namespace,
			UID:               uid,
			ResourceVersion:   strconv.FormatInt(rv, 10),
			CreationTimestamp: created,
			Labels:            labels,
		},
		Spec: &podSpec{NodeName: node},
		Status: &podStatus{
			Phase:     phase,
			HostIP:    "127.0.0.1",
			PodIP:     ip,
			PodIPs:    []podIP{{IP: ip}},
			StartTime: created,
			Conditions: []podCondition{
				{Type: "Initialized", Status: "True"},
				{Type: "Ready", Status: ready},
				{Type: "ContainersReady", Status: ready},
				{Type: "PodScheduled", Status: "True"},
			},
		},
		labelsRef: labels,
	}
	if p.OwnerKind != "" {
		apiVersion := "apps/v1"
		if p.OwnerKind == "Job" {
			apiVersion = "batch/v1"
		}
		o.Metadata.OwnerReferences = []ownerReference{{
			APIVersion: apiVersion, Kind: p.OwnerKind, Name: p.OwnerName,
			UID: "owner-" + p.OwnerName, Controller: true,
		}}
	}
	for i, c := range p.Containers {
		cs := containerSpec{Name: c.Name, Image: "e2e/" + c.Name + ":test"}
		for _, port := range c.Ports {
			cs.Ports = append(cs.Ports, containerPort{Name: port.Name, ContainerPort: port.Port, Protocol: "TCP"})
		}
		o.Spec.Containers = append(o.Spec.Containers, cs)
		o.Status.ContainerStatuses = append(o.Status.ContainerStatuses, containerStatus{
			Name: c.Name, Ready: !p.NotReady, Image: cs.Image,
			ImageID:     "e2e/" + c.Name + "@sha256:" + strings.Repeat("0", 64),
			ContainerID: fmt.Sprintf("containerd://%s-%d", uid, i),
			Started:     true,
			State:       map[string]any{"running": map[string]any{"startedAt": created}},
		})
	}
	return o
}

// ---- HTTP ----

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.Method+" "+r.URL.RequestURI())
	s.mu.Unlock()
	if s.opts.Logf != nil {
		s.opts.Logf("fakekube: %s %s", r.Method, r.URL.RequestURI())
	}
	if r.Method != http.MethodGet {
		writeStatus(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "only GET is served")
		return
	}
	namespace, ok := podsPath(r.URL.Path)
	if !ok {
		writeStatus(w, http.StatusNotFound, "NotFound", "the server could not find the requested resource "+r.URL.Path)
		return
	}
	q := r.URL.Query()
	sel, err := parseLabelSelector(q.Get("labelSelector"))
	if err != nil {
		writeStatus(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}
	fsel, err := parseFieldSelector(q.Get("fieldSelector"))
	if err != nil {
		writeStatus(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}
	match := func(o *podObject) bool {
		return (namespace == "" || o.Metadata.Namespace == namespace) && sel.matches(o.labelsRef) && fsel.matches(o)
	}
	if q.Get("watch") == "true" || q.Get("watch") == "1" {
		s.watch(w, r, match)
		return
	}
	s.list(w, match)
}

// podsPath recognises /api/v1/pods and /api/v1/namespaces/NS/pods.
func podsPath(p string) (namespace string, ok bool) {
	if p == "/api/v1/pods" {
		return "", true
	}
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if len(parts) == 5 && parts[0] == "api" && parts[1] == "v1" && parts[2] == "namespaces" && parts[4] == "pods" {
		return parts[3], true
	}
	return "", false
}

func (s *Server) list(w http.ResponseWriter, match func(*podObject) bool) {
	s.mu.Lock()
	items := []*podObject{}
	for _, o := range s.pods {
		if match(o) {
			items = append(items, o)
		}
	}
	rv := s.rv
	s.mu.Unlock()
	slices.SortFunc(items, func(a, b *podObject) int {
		return strings.Compare(a.Metadata.Namespace+"/"+a.Metadata.Name, b.Metadata.Namespace+"/"+b.Metadata.Name)
	})
	writeJSON(w, http.StatusOK, map[string]any{
		"kind":       "PodList",
		"apiVersion": "v1",
		"metadata":   map[string]any{"resourceVersion": strconv.FormatInt(rv, 10)},
		"items":      items,
	})
}

func (s *Server) watch(w http.ResponseWriter, r *http.Request, match func(*podObject) bool) {
	q := r.URL.Query()
	initial := q.Get("sendInitialEvents") == "true"
	if initial && s.opts.DisableWatchList {
		writeStatus(w, http.StatusBadRequest, "BadRequest", "sendInitialEvents is not supported")
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeStatus(w, http.StatusInternalServerError, "InternalError", "streaming unsupported")
		return
	}
	ctx := r.Context()
	if ts := q.Get("timeoutSeconds"); ts != "" {
		if n, err := strconv.Atoi(ts); err == nil && n > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, time.Duration(n)*time.Second)
			defer cancel()
		}
	}
	bookmarks := q.Get("allowWatchBookmarks") == "true"

	s.mu.Lock()
	var from int64
	var pending []event
	if initial {
		// A consistent snapshot at the current resourceVersion, then a bookmark.
		from = s.rv
		var items []*podObject
		for _, o := range s.pods {
			if match(o) {
				items = append(items, o)
			}
		}
		slices.SortFunc(items, func(a, b *podObject) int {
			return strings.Compare(a.Metadata.Namespace+"/"+a.Metadata.Name, b.Metadata.Namespace+"/"+b.Metadata.Name)
		})
		for _, o := range items {
			pending = append(pending, event{Type: "ADDED", RV: from, Obj: o})
		}
		pending = append(pending, event{Type: "BOOKMARK", RV: from, Obj: &podObject{
			Kind: "Pod", APIVersion: "v1",
			Metadata: objectMeta{
				ResourceVersion: strconv.FormatInt(from, 10),
				Annotations:     map[string]string{"k8s.io/initial-events-end": "true"},
			},
		}})
	} else {
		rvs := q.Get("resourceVersion")
		if rvs == "" || rvs == "0" {
			from = s.rv
		} else {
			n, err := strconv.ParseInt(rvs, 10, 64)
			if err != nil {
				s.mu.Unlock()
				writeStatus(w, http.StatusBadRequest, "BadRequest", "bad resourceVersion "+rvs)
				return
			}
			from = n
		}
	}
	s.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Transfer-Encoding", "chunked")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	send := func(e event) error {
		if err := enc.Encode(map[string]any{"type": e.Type, "object": e.Obj}); err != nil {
			return err
		}
		flusher.Flush()
		return nil
	}
	for _, e := range pending {
		if err := send(e); err != nil {
			return
		}
	}
	flusher.Flush()
	bookmarkTick := time.NewTicker(30 * time.Second)
	defer bookmarkTick.Stop()
	for {
		s.mu.Lock()
		var todo []event
		for _, e := range s.events {
			if e.RV > from && match(e.Obj) {
				todo = append(todo, e)
			}
		}
		if len(s.events) > 0 && s.events[len(s.events)-1].RV > from {
			from = s.events[len(s.events)-1].RV
		}
		changed := s.changed
		cur := s.rv
		s.mu.Unlock()
		for _, e := range todo {
			if err := send(e); err != nil {
				return
			}
		}
		select {
		case <-changed:
		case <-bookmarkTick.C:
			if bookmarks {
				if err := send(event{Type: "BOOKMARK", RV: cur, Obj: &podObject{
					Kind: "Pod", APIVersion: "v1",
					Metadata: objectMeta{ResourceVersion: strconv.FormatInt(cur, 10)},
				}}); err != nil {
					return
				}
			}
		case <-ctx.Done():
			return
		case <-s.ctx.Done():
			return
		}
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeStatus(w http.ResponseWriter, code int, reason, msg string) {
	writeJSON(w, code, map[string]any{
		"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{},
		"status": "Failure", "message": msg, "reason": reason, "code": code,
	})
}

// ---- selectors ----

type requirement struct {
	key    string
	op     string // "=", "!=", "exists", "!exists", "in", "notin"
	values []string
}

type labelSelector []requirement

func (s labelSelector) matches(labels map[string]string) bool {
	for _, r := range s {
		v, ok := labels[r.key]
		switch r.op {
		case "=":
			if !ok || v != r.values[0] {
				return false
			}
		case "!=":
			if ok && v == r.values[0] {
				return false
			}
		case "exists":
			if !ok {
				return false
			}
		case "!exists":
			if ok {
				return false
			}
		case "in":
			if !ok || !slices.Contains(r.values, v) {
				return false
			}
		case "notin":
			if ok && slices.Contains(r.values, v) {
				return false
			}
		}
	}
	return true
}

// splitTop splits on commas outside parentheses.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, c := range s {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

func parseLabelSelector(s string) (labelSelector, error) {
	var sel labelSelector
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	for _, part := range splitTop(s) {
		part = strings.TrimSpace(part)
		switch {
		case strings.Contains(part, " notin "), strings.Contains(part, " in "):
			op := "in"
			k, rest, _ := strings.Cut(part, " in ")
			if strings.Contains(part, " notin ") {
				op = "notin"
				k, rest, _ = strings.Cut(part, " notin ")
			}
			rest = strings.TrimSpace(rest)
			if !strings.HasPrefix(rest, "(") || !strings.HasSuffix(rest, ")") {
				return nil, fmt.Errorf("bad label selector %q", part)
			}
			var vals []string
			for _, v := range strings.Split(rest[1:len(rest)-1], ",") {
				vals = append(vals, strings.TrimSpace(v))
			}
			sel = append(sel, requirement{key: strings.TrimSpace(k), op: op, values: vals})
		case strings.Contains(part, "!="):
			k, v, _ := strings.Cut(part, "!=")
			sel = append(sel, requirement{key: strings.TrimSpace(k), op: "!=", values: []string{strings.TrimSpace(v)}})
		case strings.Contains(part, "=="):
			k, v, _ := strings.Cut(part, "==")
			sel = append(sel, requirement{key: strings.TrimSpace(k), op: "=", values: []string{strings.TrimSpace(v)}})
		case strings.Contains(part, "="):
			k, v, _ := strings.Cut(part, "=")
			sel = append(sel, requirement{key: strings.TrimSpace(k), op: "=", values: []string{strings.TrimSpace(v)}})
		case strings.HasPrefix(part, "!"):
			sel = append(sel, requirement{key: strings.TrimSpace(part[1:]), op: "!exists"})
		case part != "":
			sel = append(sel, requirement{key: part, op: "exists"})
		default:
			return nil, errors.New("empty label selector term")
		}
	}
	return sel, nil
}

type fieldSelector []requirement

func (s fieldSelector) matches(o *podObject) bool {
	for _, r := range s {
		var v string
		switch r.key {
		case "metadata.name":
			v = o.Metadata.Name
		case "metadata.namespace":
			v = o.Metadata.Namespace
		case "status.phase":
			if o.Status != nil {
				v = o.Status.Phase
			}
		case "spec.nodeName":
			if o.Spec != nil {
				v = o.Spec.NodeName
			}
		}
		if (r.op == "=") != (v == r.values[0]) {
			return false
		}
	}
	return true
}

func parseFieldSelector(s string) (fieldSelector, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var sel fieldSelector
	for _, part := range strings.Split(s, ",") {
		var k, v, op string
		switch {
		case strings.Contains(part, "!="):
			k, v, _ = strings.Cut(part, "!=")
			op = "!="
		case strings.Contains(part, "=="):
			k, v, _ = strings.Cut(part, "==")
			op = "="
		case strings.Contains(part, "="):
			k, v, _ = strings.Cut(part, "=")
			op = "="
		default:
			return nil, fmt.Errorf("bad field selector %q", part)
		}
		k = strings.TrimSpace(k)
		switch k {
		case "metadata.name", "metadata.namespace", "status.phase", "spec.nodeName":
		default:
			return nil, fmt.Errorf("field label not supported: %s", k)
		}
		sel = append(sel, requirement{key: k, op: op, values: []string{strings.TrimSpace(v)}})
	}
	return sel, nil
}
