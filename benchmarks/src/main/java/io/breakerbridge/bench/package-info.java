/** JMH benchmarks and load harnesses (run by hand; figures and commands are in docs/BENCHMARKS.md). */
package io.breakerbridge.bench;
