package io.perennial.support.web;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** Web conventions. */
@ConfigurationProperties("perennial.web")
public class WebProperties {

    /** Largest request body accepted, unless a path below overrides it. */
    private DataSize maxRequestSize = DataSize.ofMegabytes(1);

    /** Per-path overrides of the body limit, as Ant patterns, e.g. {@code /v1/streams/*\/samples: 64MB}. */
    private Map<String, DataSize> maxRequestSizeByPath = new LinkedHashMap<>();

    public DataSize getMaxRequestSize() {
        return maxRequestSize;
    }

    public void setMaxRequestSize(DataSize maxRequestSize) {
        this.maxRequestSize = maxRequestSize;
    }

    public Map<String, DataSize> getMaxRequestSizeByPath() {
        return maxRequestSizeByPath;
    }

    public void setMaxRequestSizeByPath(Map<String, DataSize> maxRequestSizeByPath) {
        this.maxRequestSizeByPath = maxRequestSizeByPath;
    }
}
