/** Jobs pages: list with live progress, detail with the live loss curve, cancel and retry. */
package io.perennial.console.job;
