/** The admin web console: see and steer streams, drift, jobs and versions. */
package io.perennial.console;
