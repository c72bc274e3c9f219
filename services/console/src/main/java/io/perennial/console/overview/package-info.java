/** The overview page: service health and streams at a glance. */
package io.perennial.console.overview;
