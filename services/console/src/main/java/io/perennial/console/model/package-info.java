/** Model and version pages: metrics across versions, heatmap, gate, lineage, promote, force-promote, rollback. */
package io.perennial.console.model;
