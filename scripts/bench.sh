#!/usr/bin/env bash
# make bench: how dataopsgen's cost grows with the size of the spec.
#
# Builds bin/dataopsgen once, writes synthetic specs of N workloads
# (cmd/benchgen, deterministic), times the whole `dataopsgen build`
# (every check and the generated rule tests) with /usr/bin/time -v for each
# N, and `dataopsgen vet examples/dataops` (median of several runs), then
# prints one table and the targets of issue 5.
#
# The table is COLD: every build gets a fresh, empty rule-test cache
# (DATAOPSGEN_CACHE), so its figures compare with earlier runs and with
# Sloth. A second, separately labelled table times a warm rebuild: the
# same spec built again with the cache the cold build filled.
#
# Environment:
#   BENCH_SIZES    sizes to build (default "10 100 1000 5000")
#   BENCH_TIMEOUT  seconds one build may take (default 120); a build that
#                  times out is reported as such and larger sizes are skipped
#   BENCH_VET_RUNS runs of vet to take the median of (default 9)
#   BENCH_WARM_SIZES sizes of the warm rebuild (default "1000 5000"; only
#                  those also in BENCH_SIZES whose cold build succeeded)
#   BENCH_EDIT_SIZES sizes of the one-workload rebuild (default "1000"; only
#                  those whose cold build succeeded): one workload's alert is
#                  changed (benchgen -edit), the spec is rebuilt with the cache
#                  the cold build filled, then built cold (fresh cache), and the
#                  two overlays must be byte-identical (else bench fails)
#   BENCH_KEEP=1   keep the work directory (specs and overlays)
#   BENCH_SLOTH=0  do not time Sloth side by side (default: it is built from
#                  the tools module tools/sloth, which pins the version the
#                  SLO comparison test builds too, into bin/ — a few minutes
#                  the first time — and run on a Sloth spec of one SLO per
#                  workload of each size)
set -euo pipefail

cd "$(dirname "$0")/.."
GO=${GO:-go}
SIZES=${BENCH_SIZES:-"10 100 1000 5000"}
TIMEOUT=${BENCH_TIMEOUT:-120}
VET_RUNS=${BENCH_VET_RUNS:-9}
SLOTH=${BENCH_SLOTH:-1}
SLOTH_VERSION=$(sed -n 's#^require github.com/slok/sloth \(v[^ ]*\)$#\1#p' tools/sloth/go.mod)
WARM_SIZES=${BENCH_WARM_SIZES:-"1000 5000"}
EDIT_SIZES=${BENCH_EDIT_SIZES:-"1000"}

die() { echo "bench: $*" >&2; exit 1; }

# GNU time (for peak RSS). Install it when missing and we can; never skip.
if ! /usr/bin/time -v true >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "bench: installing GNU time (/usr/bin/time)" >&2
		apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time >/dev/null ||
			die "could not install GNU time (apt-get install time)"
	fi
	/usr/bin/time -v true >/dev/null 2>&1 || die "GNU time is required at /usr/bin/time (Debian/Ubuntu: apt-get install time)"
fi
command -v timeout >/dev/null || die "timeout (coreutils) is required"

echo "building bin/dataopsgen and bin/benchgen" >&2
mkdir -p bin
$GO build -o bin/dataopsgen ./cmd/dataopsgen
$GO build -o bin/benchgen ./cmd/benchgen
if [ "$SLOTH" = 1 ] && [ ! -x bin/sloth ]; then
	echo "building bin/sloth $SLOTH_VERSION (BENCH_SLOTH=0 to leave Sloth out)" >&2
	(cd tools/sloth && GOWORK=off $GO build -o ../../bin/sloth github.com/slok/sloth/cmd/sloth) || die "could not build Sloth $SLOTH_VERSION (tools/sloth)"
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dataopsgen-bench.XXXXXX")
if [ "${BENCH_KEEP:-}" = 1 ]; then
	echo "bench: keeping $WORK" >&2
else
	trap 'rm -rf "$WORK"' EXIT
fi

# field NAME FILE: the value of a /usr/bin/time -v line.
field() { sed -n "s/^[[:space:]]*$1: //p" "$2" | tail -1; }

# seconds H:MM:SS.ss | M:SS.ss -> seconds
seconds() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<<"$1"; }

# measured FILE: sets wall (s), cpu (user+sys s) and rss (MiB) from a
# /usr/bin/time -v report.
measured() {
	wall=$(seconds "$(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' "$1")")
	cpu=$(awk -v u="$(field 'User time (seconds)' "$1")" -v s="$(field 'System time (seconds)' "$1")" 'BEGIN { printf "%.2f", u + s }')
	rss=$(awk -v k="$(field 'Maximum resident set size (kbytes)' "$1")" 'BEGIN { printf "%.0f", k / 1024 }')
}

# timed_build CACHE SPEC OUT LOG TIMELOG: builds SPEC into OUT with the rule-test
# cache CACHE; sets wall, cpu, rss (measured), rstatus (exit status) and
# tests ("run|from the cache"); succeeds when the build did.
timed_build() {
	set +e
	DATAOPSGEN_CACHE=$1 /usr/bin/time -v -o "$5" timeout "$TIMEOUT" bin/dataopsgen build "$2" -o "$3" >"$4" 2>&1
	rstatus=$?
	set -e
	measured "$5"
	tests=$(sed -n 's/^ *rule tests: *\([0-9]*\) files passed (\([0-9]*\) run, \([0-9]*\) from the cache)$/\2|\3/p' "$4")
	tests=${tests:-?|?}
	[ "$rstatus" = 0 ]
}

rows=()
srows=()
wrows=()
erows=()
declare -A WALL RSS CPU SCPU ECPU
skip=""
for n in $SIZES; do
	if [ -n "$skip" ]; then
		rows+=("$n|skipped ($skip)|-|-|-|-|-|-|-|-")
		continue
	fi
	spec="$WORK/spec-$n" out="$WORK/out-$n" tlog="$WORK/time-$n.txt" log="$WORK/build-$n.txt"
	bin/benchgen -n "$n" -o "$spec" -sloth "$WORK/sloth-$n.yaml"
	if [ "$SLOTH" = 1 ]; then
		echo "sloth: $n SLOs" >&2
		slog="$WORK/sloth-time-$n.txt"
		/usr/bin/time -v -o "$slog" bin/sloth generate --no-log -i "$WORK/sloth-$n.yaml" -o "$WORK/sloth-out-$n.yaml" >/dev/null 2>&1 ||
			die "sloth generate failed on $n SLOs"
		measured "$slog"
		srules=$(grep -cE '^ *- (alert|record):' "$WORK/sloth-out-$n.yaml" || true)
		smib=$(awk -v b="$(wc -c <"$WORK/sloth-out-$n.yaml")" 'BEGIN { printf "%.1f", b / 1048576 }')
		srows+=("$n|$wall|$cpu|$rss|$smib|$srules")
		SCPU[$n]=$cpu
	fi
	echo "build: $n workloads" >&2
	cache="$WORK/cache-$n" # fresh and empty: the cold build
	timed_build "$cache" "$spec" "$out" "$log" "$tlog" || true
	status=$rstatus
	WALL[$n]=$wall RSS[$n]=$rss CPU[$n]=$cpu
	perwl=$(awk -v w="$wall" -v n="$n" 'BEGIN { printf "%.2f", w * 1000 / n }')
	case $status in
	0)
		files=$(sed -n 's/^wrote .*: \([0-9]*\) files, \([0-9]*\) bytes$/\1/p' "$log")
		bytes=$(sed -n 's/^wrote .*: \([0-9]*\) files, \([0-9]*\) bytes$/\2/p' "$log")
		rules=$(sed -n 's/^ *rules: *\([0-9]*\) in .*/\1/p' "$log")
		dash=$(sed -n 's/^ *dashboards: *\([0-9]*\)$/\1/p' "$log")
		mib=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
		rows+=("$n|ok|$wall|$cpu|$rss|$perwl|$mib|$rules|$dash|$files")
		if [[ " $WARM_SIZES " == *" $n "* ]]; then
			echo "build: $n workloads, warm rebuild" >&2
			if timed_build "$cache" "$spec" "$out" "$WORK/build-warm-$n.txt" "$WORK/time-warm-$n.txt"; then
				wrows+=("$n|ok|$wall|$cpu|$rss|$tests")
			else
				wrows+=("$n|FAILED (exit $rstatus)|$wall|$cpu|$rss|-|-")
			fi
		fi
		if [[ " $EDIT_SIZES " == *" $n "* ]]; then
			# One workload changes; the rebuild reuses the cache the cold
			# build filled, and must write what a cold build of the edited
			# spec writes, byte for byte.
			echo "build: $n workloads, one workload changed: rebuild with the cache, then cold" >&2
			bin/benchgen -n "$n" -o "$spec" -edit
			if timed_build "$cache" "$spec" "$out" "$WORK/build-edit-$n.txt" "$WORK/time-edit-$n.txt"; then
				ECPU[$n]=$cpu
				erow="$n|ok, identical to cold|$wall|$cpu|$rss|$tests"
				DATAOPSGEN_CACHE="$WORK/cache-edit-cold-$n" timeout "$TIMEOUT" bin/dataopsgen build "$spec" -o "$out-edit-cold" >"$WORK/build-edit-cold-$n.txt" 2>&1 ||
					die "cold build of the edited $n-workload spec failed"
				diff -r -q "$out" "$out-edit-cold" >"$WORK/diff-edit-$n.txt" ||
					die "the rebuild after one change differs from a cold build of the same spec: $(head -3 "$WORK/diff-edit-$n.txt")"
				erows+=("$erow")
			else
				erows+=("$n|FAILED (exit $rstatus)|$wall|$cpu|$rss|-|-")
			fi
		fi
		;;
	124)
		rows+=("$n|timeout (> ${TIMEOUT}s)|>$wall|$cpu|$rss|-|-|-|-|-")
		skip="$n timed out"
		;;
	*)
		# The first diagnostic's check names why the spec was refused.
		why=$(grep -m1 -o ': [a-z]*/[a-z-]*: \|: cue: ' "$log" | sed 's/^: //; s/: $//' || true)
		rows+=("$n|FAILED (exit $status${why:+: $why})|$wall|$cpu|$rss|$perwl|-|-|-|-")
		echo "bench: build of $n workloads failed; first lines:" >&2
		head -5 "$log" | sed 's/^/    /' >&2
		;;
	esac
done

# vet examples/dataops, median wall time in milliseconds.
vets=()
for _ in $(seq "$VET_RUNS"); do
	start=$EPOCHREALTIME
	bin/dataopsgen vet examples/dataops >/dev/null || die "vet examples/dataops failed"
	end=$EPOCHREALTIME
	vets+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", (b - a) * 1000 }')")
done
vet_ms=$(printf '%s\n' "${vets[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')

echo
echo "dataopsgen build (every check and generated rule test) on synthetic specs, cold (empty rule-test cache)"
echo "$(nproc) CPUs, load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after, $($GO version | cut -d' ' -f3), $(git describe --always --dirty 2>/dev/null || echo '?')"
if awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v n="$(nproc)" 'BEGIN { exit !(l > n) }'; then
	echo "WARNING: the machine was busy (load average above the number of CPUs): wall times are inflated; cpu s is the steadier figure"
fi
{
	echo "workloads|status|wall s|cpu s|peak RSS MiB|ms/workload|output MiB|rules|dashboards|files"
	printf '%s\n' "${rows[@]}"
} | column -t -s '|'
if [ "${#wrows[@]}" -gt 0 ]; then
	echo
	echo "warm rebuild (same spec, cache filled): the same build again, rule tests taken from the cache the cold build filled"
	{
		echo "workloads|status|wall s|cpu s|peak RSS MiB|test files run|from the cache"
		printf '%s\n' "${wrows[@]}"
	} | column -t -s '|'
fi
if [ "${#erows[@]}" -gt 0 ]; then
	echo
	echo "one workload changed (benchgen -edit), rebuilt with the cache the cold build filled; output compared with a cold build of the edited spec"
	{
		echo "workloads|status|wall s|cpu s|peak RSS MiB|test files run|from the cache"
		printf '%s\n' "${erows[@]}"
	} | column -t -s '|'
fi
if [ "$SLOTH" = 1 ]; then
	echo
	echo "Sloth $SLOTH_VERSION generate, same run, one SLO per workload (rules only: no checks, tests, dashboards or configs)"
	{
		echo "SLOs|wall s|cpu s|peak RSS MiB|output MiB|rules"
		printf '%s\n' "${srows[@]}"
	} | column -t -s '|'
fi
echo
echo "dataopsgen vet examples/dataops: median ${vet_ms} ms of $VET_RUNS runs (all: ${vets[*]})"
echo

# Issue 5's targets.
target() { # name ok
	if [ "$2" = 1 ]; then echo "  ok      $1"; else echo "  MISSED  $1"; fi
}
echo "targets (issue 5):"
ok() { awk "BEGIN { exit !($1) }" && echo 1 || echo 0; }
if [ -n "${WALL[1000]:-}" ]; then target "build 1,000 workloads <= 1.0 s (${WALL[1000]} s)" "$(ok "${WALL[1000]} <= 1.0")"; fi
if [ -n "${WALL[5000]:-}" ]; then
	target "build 5,000 workloads <= 4 s (${WALL[5000]} s)" "$(ok "${WALL[5000]} <= 4")"
	target "build 5,000 workloads <= 400 MiB peak (${RSS[5000]} MiB)" "$(ok "${RSS[5000]} <= 400")"
fi
target "vet examples/dataops <= 150 ms (${vet_ms} ms)" "$(ok "$vet_ms <= 150")"

# Issue 15's targets: CPU seconds next to Sloth in this same run.
if [ "$SLOTH" = 1 ]; then
	echo "targets (issue 15, cpu s next to Sloth in this run):"
	if [ -n "${CPU[1000]:-}" ] && [ -n "${SCPU[1000]:-}" ]; then
		r=$(awk -v a="${CPU[1000]}" -v b="${SCPU[1000]}" 'BEGIN { printf "%.1f", a / b }')
		target "cold build 1,000 workloads <= 2x Sloth on 1,000 SLOs (${CPU[1000]} vs ${SCPU[1000]} cpu s: ${r}x)" "$(ok "${CPU[1000]} <= 2 * ${SCPU[1000]}")"
	fi
	if [ -n "${ECPU[1000]:-}" ] && [ -n "${SCPU[1000]:-}" ]; then
		r=$(awk -v a="${ECPU[1000]}" -v b="${SCPU[1000]}" 'BEGIN { printf "%.1f", a / b }')
		target "rebuild after one workload changed, 1,000 workloads <= 0.5x Sloth (${ECPU[1000]} vs ${SCPU[1000]} cpu s: ${r}x)" "$(ok "${ECPU[1000]} <= 0.5 * ${SCPU[1000]}")"
	fi
fi
if [ -n "${RSS[1000]:-}" ]; then target "cold build 1,000 workloads <= 400 MiB peak (${RSS[1000]} MiB)" "$(ok "${RSS[1000]} <= 400")"; fi
if [ -n "${RSS[5000]:-}" ]; then target "cold build 5,000 workloads <= 1 GiB peak (${RSS[5000]} MiB)" "$(ok "${RSS[5000]} <= 1024")"; fi
if [ -n "${CPU[1000]:-}" ] && [ -n "${CPU[5000]:-}" ]; then
	r=$(awk -v a="${CPU[5000]}" -v b="${CPU[1000]}" 'BEGIN { printf "%.2f", (a / 5000) / (b / 1000) }')
	target "cpu per workload at 5,000 <= 1.1x that at 1,000 (${r}x)" "$(ok "$r <= 1.1")"
fi
