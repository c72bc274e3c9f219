/** Two-sample tests between a reference window and a current window: KS, PSI, chi-square, kernel MMD. */
package io.perennial.drift.detector.window;
