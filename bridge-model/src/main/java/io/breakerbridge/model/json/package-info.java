/**
 * The snapshot's JSON wire format: a strict reader that names the JSON path of every error, a canonical
 * writer (stable field order, defaults written out) and a content hash of the canonical form.
 */
@NullMarked
package io.breakerbridge.model.json;

import org.jspecify.annotations.NullMarked;

