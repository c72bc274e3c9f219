/** What every console page shares: the signed-in user, role flags, navigation and errors. */
package io.perennial.console.web;
