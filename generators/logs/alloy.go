package logs

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/grafana/alloy/syntax/scanner"
	"github.com/grafana/alloy/syntax/token"
	"github.com/grafana/alloy/syntax/token/builder"

	"github.com/dataopsgen/dataopsgen/internal/artifact"
	"github.com/dataopsgen/dataopsgen/internal/model"
	"github.com/dataopsgen/dataopsgen/internal/stack"
)

// Labels of the components shared by all workloads.
const (
	alloyPods  = "pods"
	alloyWrite = "loki"
)

// ref is a reference to another component's export, printed as an
// expression (discovery.relabel.resnet.output), not as a string.
type ref string

func (r ref) AlloyTokenize() []builder.Token {
	var toks []builder.Token
	for i, part := range strings.Split(string(r), ".") {
		if i > 0 {
			toks = append(toks, builder.Token{Tok: token.DOT})
		}
		toks = append(toks, builder.Token{Tok: token.IDENT, Lit: part})
	}
	return toks
}

// expr is a raw Alloy expression.
type expr []builder.Token

func (e expr) AlloyTokenize() []builder.Token { return e }

// nodeField is `"spec.nodeName=" + coalesce(sys.env("HOSTNAME"), constants.hostname)`:
// the alloy chart sets HOSTNAME to the node name, so each DaemonSet pod
// discovers only the pods of its own node (it can read only their files).
var nodeField = expr{
	{Tok: token.STRING, Lit: `"spec.nodeName="`}, {Tok: token.ADD},
	{Tok: token.IDENT, Lit: "coalesce"}, {Tok: token.LPAREN},
	{Tok: token.IDENT, Lit: "sys"}, {Tok: token.DOT}, {Tok: token.IDENT, Lit: "env"},
	{Tok: token.LPAREN}, {Tok: token.STRING, Lit: `"HOSTNAME"`}, {Tok: token.RPAREN}, {Tok: token.COMMA},
	{Tok: token.IDENT, Lit: "constants"}, {Tok: token.DOT}, {Tok: token.IDENT, Lit: "hostname"},
	{Tok: token.RPAREN},
}

// Component arguments, typed; the builder encodes them by their alloy tags.
type (
	kubernetesArgs struct {
		Role       string        `alloy:"role,attr"`
		Namespaces namespaces    `alloy:"namespaces,block"`
		Selectors  []podSelector `alloy:"selectors,block"`
	}
	namespaces struct {
		Names []string `alloy:"names,attr"`
	}
	podSelector struct {
		Role  string `alloy:"role,attr"`
		Field expr   `alloy:"field,attr"`
	}
	relabelArgs struct {
		Targets ref           `alloy:"targets,attr"`
		Rules   []RelabelRule `alloy:"rule,block"`
	}
	fileMatchArgs struct {
		PathTargets ref `alloy:"path_targets,attr"`
	}
	sourceFileArgs struct {
		Targets   ref   `alloy:"targets,attr"`
		ForwardTo []ref `alloy:"forward_to,attr"`
	}
	processArgs struct {
		ForwardTo []ref   `alloy:"forward_to,attr"`
		Stages    []Stage `alloy:"stage,enum"`
	}
	writeArgs struct {
		Endpoints []endpoint `alloy:"endpoint,block"`
	}
	endpoint struct {
		URL string `alloy:"url,attr"`
	}
)

// AlloyLabel is the component label of a workload's components: workload
// names are DNS labels, Alloy labels identifiers. '-' becomes '_' and a name
// that still is no identifier (leading digit, keyword such as "null") gets a
// '_' prefix; neither '_' nor a leading '_' occur in DNS labels, so distinct
// workloads keep distinct labels.
func AlloyLabel(workload string) string {
	id := strings.ReplaceAll(workload, "-", "_")
	if !scanner.IsValidIdentifier(id) {
		id = "_" + id
	}
	return id
}

// alloyConfig renders the Alloy config: one shared pod discovery and Loki
// writer, and per workload a relabel → file match → tail → process chain.
// alloyText writes it directly; the builder (the reference) renders what
// alloyText does not handle.
func alloyConfig(p *plan) ([]byte, error) {
	if out, ok, err := alloyText(p); ok || err != nil {
		return out, err
	}
	return alloyConfigBuilder(p)
}

// alloyConfigBuilder renders the config with Alloy's token builder and
// printer.
func alloyConfigBuilder(p *plan) ([]byte, error) {
	f := builder.NewFile()
	add := func(name, label string, args any) {
		b := builder.NewBlock(strings.Split(name, "."), label)
		b.Body().AppendFrom(args)
		f.Body().AppendBlock(b)
	}
	write := ref("loki.write." + alloyWrite + ".receiver")
	if len(p.workloads) > 0 {
		// Without workloads there is no discovery at all: an empty namespace
		// list would mean "every namespace".
		add("discovery.kubernetes", alloyPods, kubernetesArgs{
			Role:       "pod",
			Namespaces: namespaces{Names: p.namespaces},
			Selectors:  []podSelector{{Role: "pod", Field: nodeField}},
		})
	}
	for _, wp := range p.workloads {
		id := AlloyLabel(wp.w.Name)
		if !scanner.IsValidIdentifier(id) {
			return nil, fmt.Errorf("workload %q: no Alloy identifier (%q)", wp.w.Name, id)
		}
		add("discovery.relabel", id, relabelArgs{
			Targets: ref("discovery.kubernetes." + alloyPods + ".targets"),
			Rules:   wp.rules,
		})
		add("local.file_match", id, fileMatchArgs{PathTargets: ref("discovery.relabel." + id + ".output")})
		add("loki.source.file", id, sourceFileArgs{
			Targets:   ref("local.file_match." + id + ".targets"),
			ForwardTo: []ref{ref("loki.process." + id + ".receiver")},
		})
		add("loki.process", id, processArgs{ForwardTo: []ref{write}, Stages: wp.stages})
	}
	add("loki.write", alloyWrite, writeArgs{Endpoints: []endpoint{{URL: p.pushURL}}})

	// WriteTo (unlike Bytes) reports a token stream that does not parse.
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("alloy config: %w", err)
	}
	if buf.Len() > 0 && buf.Bytes()[buf.Len()-1] != '\n' {
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

// Values of the grafana `alloy` chart (1.11.x), the subset we set.
type alloyValues struct {
	Alloy      alloySection    `json:"alloy"`
	Controller alloyController `json:"controller"`
}

type alloySection struct {
	ConfigMap   alloyConfigMap `json:"configMap"`
	StoragePath string         `json:"storagePath"`
	Mounts      alloyMounts    `json:"mounts"`
}

type alloyConfigMap struct {
	Create bool   `json:"create"`
	Name   string `json:"name"`
	Key    string `json:"key"`
}

type alloyMounts struct {
	VarLog bool          `json:"varlog"`
	Extra  []volumeMount `json:"extra"`
}

type volumeMount struct {
	Name      string `json:"name"`
	MountPath string `json:"mountPath"`
}

type alloyController struct {
	Type    string `json:"type"`
	Volumes struct {
		Extra []hostPathVolume `json:"extra"`
	} `json:"volumes"`
}

type hostPathVolume struct {
	Name     string `json:"name"`
	HostPath struct {
		Path string `json:"path"`
		Type string `json:"type"`
	} `json:"hostPath"`
}

// alloyDataDir keeps Alloy's data — loki.source.file read positions — on the
// node: with the chart's default (/tmp in the container) every restart would
// re-read and re-send every log file. Promtail's chart does the same with
// /run/promtail.
const alloyDataDir = "/var/lib/alloy"

func alloyValuesFor() alloyValues {
	var v alloyValues
	// create: false + name/key: the chart mounts our ConfigMap as is. Its own
	// ConfigMap would pass the config through Helm's tpl.
	v.Alloy.ConfigMap = alloyConfigMap{Create: false, Name: stack.AlloyConfigMapName, Key: stack.AlloyConfigKey}
	v.Alloy.StoragePath = alloyDataDir
	v.Alloy.Mounts.VarLog = true // /var/log/pods, read-only
	v.Alloy.Mounts.Extra = []volumeMount{{Name: "alloy-data", MountPath: alloyDataDir}}
	v.Controller.Type = "daemonset"
	vol := hostPathVolume{Name: "alloy-data"}
	vol.HostPath.Path = alloyDataDir
	vol.HostPath.Type = "DirectoryOrCreate"
	v.Controller.Volumes.Extra = []hostPathVolume{vol}
	return v
}

func alloyFiles(p *plan) ([]artifact.File, error) {
	cfg, err := alloyConfig(p)
	if err != nil {
		return nil, err
	}
	v := alloyValuesFor()
	values, err := valuesFile(AlloyValuesPath, AlloyValuesConfigMap, &v)
	if err != nil {
		return nil, err
	}
	return []artifact.File{
		{
			Path: AlloyConfigPath,
			Data: cfg,
			Role: artifact.ConfigMapData,
			// Fixed name: the chart's values name it.
			Object: &artifact.Generated{Name: stack.AlloyConfigMapName, Key: stack.AlloyConfigKey, Hash: false},
			Source: source,
			// The pipelines the config was rendered from.
			Value: collector(p, model.CollectorAlloy),
		},
		values,
	}, nil
}
