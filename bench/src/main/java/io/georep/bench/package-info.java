/**
 * The benchmark: georep against Pulsar's built-in geo-replication and a bare consume-produce pipe,
 * on the same two clusters in one run, with interleaved repetitions. {@link
 * io.georep.bench.GeorepBench} is the command ({@code bin/georep-bench}); docs/benchmarks.md
 * explains the method and holds the latest results.
 */
package io.georep.bench;
