package io.perennial.console.model;

import tools.jackson.databind.JsonNode;

/** The model page's package-private chart builders, for rendering tests in other packages. */
public final class ModelPageControllerAccess {

    private ModelPageControllerAccess() {
    }

    public static String heatmap(String name, JsonNode matrix, int current) {
        return ModelPageController.heatmap(name, matrix, current);
    }
}
