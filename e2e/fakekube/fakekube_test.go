package fakekube

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func testPod(name, component string) Pod {
	return Pod{
		Namespace: "ml", Name: name,
		Labels:     map[string]string{"app.kubernetes.io/component": component},
		Containers: []Container{{Name: "app", Ports: []Port{{Name: "metrics", Port: 8000}}}},
	}
}

type watchEvent struct {
	Type   string `json:"type"`
	Object struct {
		Kind       string `json:"kind"`
		APIVersion string `json:"apiVersion"`
		Metadata   struct {
			Name            string            `json:"name"`
			ResourceVersion string            `json:"resourceVersion"`
			Annotations     map[string]string `json:"annotations"`
		} `json:"metadata"`
		Status struct {
			PodIP string `json:"podIP"`
			Phase string `json:"phase"`
		} `json:"status"`
	} `json:"object"`
}

func TestListWatchListAndWatch(t *testing.T) {
	s, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.AddPod(testPod("inf-1", "inference"))
	s.AddPod(testPod("train-1", "training"))
	s.AddPod(Pod{Namespace: "other", Name: "x"})

	// list, filtered by namespace and label selector
	resp, err := http.Get(s.URL() + "/api/v1/namespaces/ml/pods?limit=500&resourceVersion=0&labelSelector=app.kubernetes.io%2Fcomponent%3Dinference")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Kind     string `json:"kind"`
		Metadata struct {
			ResourceVersion string `json:"resourceVersion"`
		} `json:"metadata"`
		Items []struct {
			Metadata struct {
				Name string `json:"name"`
				UID  string `json:"uid"`
			} `json:"metadata"`
		} `json:"items"`
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if list.Kind != "PodList" || list.Metadata.ResourceVersion == "" || len(list.Items) != 1 || list.Items[0].Metadata.Name != "inf-1" || list.Items[0].Metadata.UID == "" {
		t.Fatalf("list = %+v", list)
	}

	// watch-list: ADDED for each pod, then the initial-events-end bookmark,
	// then live events.
	resp, err = http.Get(s.URL() + "/api/v1/namespaces/ml/pods?allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&timeoutSeconds=10&watch=true")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	next := func() watchEvent {
		t.Helper()
		done := make(chan watchEvent, 1)
		go func() {
			var e watchEvent
			if sc.Scan() {
				_ = json.Unmarshal(sc.Bytes(), &e)
			}
			done <- e
		}()
		select {
		case e := <-done:
			if e.Object.Kind != "Pod" || e.Object.APIVersion != "v1" {
				t.Fatalf("event without kind/apiVersion: %+v", e)
			}
			return e
		case <-time.After(5 * time.Second):
			t.Fatal("no watch event")
		}
		return watchEvent{}
	}
	var names []string
	for range 2 {
		e := next()
		if e.Type != "ADDED" {
			t.Fatalf("want ADDED, got %+v", e)
		}
		if e.Object.Status.PodIP != "127.0.0.1" || e.Object.Status.Phase != "Running" {
			t.Errorf("pod status %+v", e.Object.Status)
		}
		names = append(names, e.Object.Metadata.Name)
	}
	if strings.Join(names, ",") != "inf-1,train-1" {
		t.Errorf("initial events for %v", names)
	}
	if e := next(); e.Type != "BOOKMARK" || e.Object.Metadata.Annotations["k8s.io/initial-events-end"] != "true" {
		t.Fatalf("want initial-events-end bookmark, got %+v", e)
	}
	s.DeletePod("ml", "inf-1")
	if e := next(); e.Type != "DELETED" || e.Object.Metadata.Name != "inf-1" {
		t.Fatalf("want DELETED inf-1, got %+v", e)
	}
	s.AddPod(testPod("inf-2", "inference"))
	if e := next(); e.Type != "ADDED" || e.Object.Metadata.Name != "inf-2" {
		t.Fatalf("want ADDED inf-2, got %+v", e)
	}
}

func TestWatchListDisabledAndResume(t *testing.T) {
	s, err := Start(Options{DisableWatchList: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	resp, err := http.Get(s.URL() + "/api/v1/pods?sendInitialEvents=true&watch=true")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("watch-list status %d, want 400", resp.StatusCode)
	}
	s.AddPod(testPod("a", "inference")) // rv 101
	s.AddPod(testPod("b", "inference")) // rv 102
	// A watch from rv 101 gets only b.
	resp, err = http.Get(s.URL() + "/api/v1/namespaces/ml/pods?watch=true&resourceVersion=101&timeoutSeconds=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	var got []string
	for sc.Scan() {
		var e watchEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		got = append(got, e.Type+" "+e.Object.Metadata.Name)
	}
	if strings.Join(got, ";") != "ADDED b" {
		t.Fatalf("events %q", got)
	}
}

func TestSelectors(t *testing.T) {
	sel, err := parseLabelSelector("a=1,b!=2,c in (x, y),!d,e")
	if err != nil {
		t.Fatal(err)
	}
	if !sel.matches(map[string]string{"a": "1", "c": "y", "e": ""}) {
		t.Error("should match")
	}
	if sel.matches(map[string]string{"a": "1", "c": "z", "e": ""}) {
		t.Error("c notin set: should not match")
	}
	fs, err := parseFieldSelector("status.phase!=Succeeded,status.phase!=Failed")
	if err != nil {
		t.Fatal(err)
	}
	p := newPodObject(Pod{Name: "p", Phase: "Failed"}, "u", 1)
	if fs.matches(p) {
		t.Error("failed pod matched")
	}
	if _, err := parseFieldSelector("spec.foo=bar"); err == nil {
		t.Error("unsupported field accepted")
	}
}
