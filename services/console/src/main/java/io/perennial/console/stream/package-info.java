/** Stream pages: ingest rate, the drift timeline, segments and the adaptation policy. */
package io.perennial.console.stream;
