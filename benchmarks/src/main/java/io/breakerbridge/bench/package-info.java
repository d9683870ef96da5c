/** JMH benchmarks and load harnesses (run by hand; figures and commands are in the README). */
package io.breakerbridge.bench;
