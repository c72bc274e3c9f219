/** drift-service: calibrated drift detectors over every stream, drift events. */
package io.perennial.drift;
