/**
 * Security baseline: every endpoint but health needs credentials. Machine clients use API keys (stored as hashes,
 * with scopes), humans use accounts with the roles viewer, operator and admin, services use the service token.
 */
package io.perennial.support.security;
