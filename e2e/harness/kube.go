package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Kube is a small client of the Kubernetes REST API: what the test does to
// objects (create, server-side apply, status, delete, read) on typed
// k8s.io/api values marshalled as JSON. Generic manifests go through kubectl
// (Kubectl), as a user would apply them.
type Kube struct {
	URL, Token string
	HTTP       *http.Client
}

// Resource names a REST collection.
type Resource struct {
	// Group is "" for the core API.
	Group, Version, Name string
	Namespaced           bool
}

// The collections the harness writes or reads.
var (
	Namespaces      = Resource{Version: "v1", Name: "namespaces"}
	Pods            = Resource{Version: "v1", Name: "pods", Namespaced: true}
	Services        = Resource{Version: "v1", Name: "services", Namespaced: true}
	EndpointsRes    = Resource{Version: "v1", Name: "endpoints", Namespaced: true}
	Secrets         = Resource{Version: "v1", Name: "secrets", Namespaced: true}
	ConfigMaps      = Resource{Version: "v1", Name: "configmaps", Namespaced: true}
	ServiceAccounts = Resource{Version: "v1", Name: "serviceaccounts", Namespaced: true}
	Events          = Resource{Version: "v1", Name: "events", Namespaced: true}
	EndpointSlices  = Resource{Group: "discovery.k8s.io", Version: "v1", Name: "endpointslices", Namespaced: true}
	Deployments     = Resource{Group: "apps", Version: "v1", Name: "deployments", Namespaced: true}
	ReplicaSets     = Resource{Group: "apps", Version: "v1", Name: "replicasets", Namespaced: true}
	StatefulSets    = Resource{Group: "apps", Version: "v1", Name: "statefulsets", Namespaced: true}
	Jobs            = Resource{Group: "batch", Version: "v1", Name: "jobs", Namespaced: true}
)

// Path is the URL path of the collection in namespace (ignored when the
// resource is cluster-scoped), or of one object when name is set.
func (r Resource) Path(namespace, name string) string {
	var b strings.Builder
	if r.Group == "" {
		b.WriteString("/api/" + r.Version)
	} else {
		b.WriteString("/apis/" + r.Group + "/" + r.Version)
	}
	if r.Namespaced {
		b.WriteString("/namespaces/" + url.PathEscape(namespace))
	}
	b.WriteString("/" + r.Name)
	if name != "" {
		b.WriteString("/" + url.PathEscape(name))
	}
	return b.String()
}

// StatusError is an API error: its HTTP code and the Status message.
type StatusError struct {
	Method, Path string
	Code         int
	Reason       string
	Message      string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: %d %s: %s", e.Method, e.Path, e.Code, e.Reason, e.Message)
}

// IsNotFound reports an object that does not exist.
func IsNotFound(err error) bool { return statusCode(err) == http.StatusNotFound }

// IsAlreadyExists reports a create of an existing object.
func IsAlreadyExists(err error) bool { return statusCode(err) == http.StatusConflict }

func statusCode(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

func (k *Kube) do(ctx context.Context, method, path, contentType string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, k.URL+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+k.Token)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := k.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var st struct {
			Reason  string `json:"reason"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(b, &st)
		if st.Message == "" {
			st.Message = string(b)
		}
		return &StatusError{Method: method, Path: path, Code: resp.StatusCode, Reason: st.Reason, Message: st.Message}
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// Ready reports whether /readyz answers 200.
func (k *Kube) Ready(ctx context.Context) bool {
	return k.do(ctx, http.MethodGet, "/readyz", "", nil, nil) == nil
}

// Create creates obj in the collection; out (may be nil) receives the result.
func (k *Kube) Create(ctx context.Context, r Resource, namespace string, obj, out any) error {
	return k.do(ctx, http.MethodPost, r.Path(namespace, ""), "application/json", obj, out)
}

// Get reads one object.
func (k *Kube) Get(ctx context.Context, r Resource, namespace, name string, out any) error {
	return k.do(ctx, http.MethodGet, r.Path(namespace, name), "", nil, out)
}

// List reads a collection, filtered by a label selector when set.
func (k *Kube) List(ctx context.Context, r Resource, namespace, labelSelector string, out any) error {
	p := r.Path(namespace, "")
	if labelSelector != "" {
		p += "?labelSelector=" + url.QueryEscape(labelSelector)
	}
	return k.do(ctx, http.MethodGet, p, "", nil, out)
}

// Apply server-side applies obj (which must carry apiVersion, kind and
// metadata.name) as fieldManager, forcing conflicts: the test owns the
// fields it sets.
func (k *Kube) Apply(ctx context.Context, r Resource, namespace, name, fieldManager string, obj, out any) error {
	p := r.Path(namespace, name) + "?fieldManager=" + url.QueryEscape(fieldManager) + "&force=true&fieldValidation=Strict"
	return k.do(ctx, http.MethodPatch, p, "application/apply-patch+yaml", obj, out)
}

// PatchStatus merge-patches the status subresource, as a kubelet or
// controller writes status.
func (k *Kube) PatchStatus(ctx context.Context, r Resource, namespace, name string, patch any) error {
	return k.do(ctx, http.MethodPatch, r.Path(namespace, name)+"/status", "application/merge-patch+json", patch, nil)
}

// Delete deletes an object; gracePeriod < 0 leaves the grace period to the
// API, 0 deletes at once (as a kubelet confirms a pod's end). Dependents are
// deleted in the background (there is no garbage collector: they stay).
func (k *Kube) Delete(ctx context.Context, r Resource, namespace, name string, gracePeriod int) error {
	opts := map[string]any{"apiVersion": "v1", "kind": "DeleteOptions", "propagationPolicy": "Background"}
	if gracePeriod >= 0 {
		opts["gracePeriodSeconds"] = gracePeriod
	}
	return k.do(ctx, http.MethodDelete, r.Path(namespace, name), "application/json", opts, nil)
}

// ServiceAccountToken asks the API for a token of the ServiceAccount
// (TokenRequest, valid one hour), as the kubelet does for a pod.
func (k *Kube) ServiceAccountToken(ctx context.Context, namespace, name string) (string, error) {
	req := map[string]any{
		"apiVersion": "authentication.k8s.io/v1",
		"kind":       "TokenRequest",
		"spec":       map[string]any{"expirationSeconds": 3600},
	}
	var out struct {
		Status struct {
			Token string `json:"token"`
		} `json:"status"`
	}
	if err := k.do(ctx, http.MethodPost, ServiceAccounts.Path(namespace, name)+"/token", "application/json", req, &out); err != nil {
		return "", err
	}
	if out.Status.Token == "" {
		return "", fmt.Errorf("TokenRequest for %s/%s: no token", namespace, name)
	}
	return out.Status.Token, nil
}

// EnsureNamespace creates a namespace and its "default" ServiceAccount
// (normally the controller-manager's work; pods need it), unless they
// exist.
func (k *Kube) EnsureNamespace(ctx context.Context, name string) error {
	ns := map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": name}}
	if err := k.Create(ctx, Namespaces, "", ns, nil); err != nil && !IsAlreadyExists(err) {
		return err
	}
	sa := map[string]any{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{"name": "default", "namespace": name}}
	if err := k.Create(ctx, ServiceAccounts, name, sa, nil); err != nil && !IsAlreadyExists(err) {
		return err
	}
	return nil
}
