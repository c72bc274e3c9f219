/** The identity of the running service: its name, schema and CloudEvents source. */
package io.perennial.support.service;
