# bench/: benchmarks (make bench); never part of make check.
