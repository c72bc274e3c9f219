/** Models: the unit that versions, aliases and promotion gates belong to. */
package io.perennial.registry.model;
