/** Settings: API keys (issued once, listed by prefix, revoked), users and roles, adaptation policies. */
package io.perennial.console.settings;
