/** registry-service: models, versions, artifacts, lineage, compatibility reports, aliases and gates. */
package io.perennial.registry;
