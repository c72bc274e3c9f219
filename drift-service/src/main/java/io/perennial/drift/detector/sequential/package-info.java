/** Sequential change detectors on a stream of errors or losses: ADWIN, DDM, Page-Hinkley, HDDM-A. */
package io.perennial.drift.detector.sequential;
