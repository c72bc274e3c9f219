/** Charts drawn on the server as inline SVG: no script, no library, readable without JavaScript. */
package io.perennial.console.chart;
