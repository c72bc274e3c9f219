/** Spring Boot auto-configuration that gives every service Perennial's conventions by depending on this module. */
package io.perennial.support.autoconfigure;
