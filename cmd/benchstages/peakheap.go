package main

import (
	"bytes"
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"time"
)

// peakHeap watches the live heap after each GC and keeps the heap profile
// of the cycle with the most live bytes: where memory goes at the peak of
// an overlapping build, which a profile after one stage does not show.
type peakHeap struct {
	stop chan struct{}
	done chan struct{}
	max  uint64
	prof bytes.Buffer
	at   time.Duration
}

func watchPeakHeap() *peakHeap {
	p := &peakHeap{stop: make(chan struct{}), done: make(chan struct{})}
	start := time.Now()
	go func() {
		defer close(p.done)
		s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}, {Name: "/gc/heap/live:bytes"}}
		var cycles uint64
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
			metrics.Read(s)
			if c := s[0].Value.Uint64(); c != cycles {
				cycles = c
				// The heap profile is that of the last completed cycle,
				// as the live-bytes metric is.
				if live := s[1].Value.Uint64(); live > p.max {
					p.max, p.at = live, time.Since(start)
					p.prof.Reset()
					pprof.Lookup("heap").WriteTo(&p.prof, 0)
				}
			}
		}
	}()
	return p
}

// write stops watching and writes the peak's profile to path.
func (p *peakHeap) write(path string) (uint64, time.Duration, error) {
	close(p.stop)
	<-p.done
	return p.max, p.at, os.WriteFile(path, p.prof.Bytes(), 0o644)
}
