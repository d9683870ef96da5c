/**
 * OpenSergo's fault-tolerance CRDs ({@code fault-tolerance.opensergo.io/v1alpha1}) to and from the neutral
 * rules, each way with a loss report, so rules kept for Sentinel's OpenSergo data source can come in and go out.
 */
@NullMarked
package io.breakerbridge.formats.opensergo;

import org.jspecify.annotations.NullMarked;
