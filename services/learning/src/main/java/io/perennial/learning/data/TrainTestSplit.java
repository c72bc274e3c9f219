package io.perennial.learning.data;

/**
 * A data set's official training and test parts.
 *
 * @param name data set name
 * @param train training part
 * @param test test part
 */
public record TrainTestSplit(String name, LabeledData train, LabeledData test) {
}
