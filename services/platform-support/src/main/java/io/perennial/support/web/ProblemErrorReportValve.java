package io.perennial.support.web;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.res.StringManager;

/**
 * Replaces Tomcat's HTML error page for requests the container rejects before any servlet sees them (for example
 * an encoded {@code /} in the path): those answers are problem+json too, without server details.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String reason = StringManager.getManager("org.apache.catalina.valves").getString("http." + status + ".reason");
        String title = reason == null || reason.startsWith("Cannot find message") ? "Error" : reason;
        String body = "{\"type\":\"" + Problems.TYPE_BASE + title.toLowerCase().replaceAll("[^a-z0-9]+", "-")
                + "\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"the request was rejected by the server before it reached the application\"}";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException ignored) {
            // The connection is gone; nothing more can be said.
        }
    }
}
