package io.perennial.support.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Renders errors that happen outside controllers (servlet filters, the container) as problem+json instead of Boot's
 * default error map. Replaces {@code BasicErrorController}.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer i && HttpStatus.resolve(i) != null ? HttpStatus.valueOf(i)
                : HttpStatus.INTERNAL_SERVER_ERROR;
        Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        String detail;
        if (exception instanceof PayloadTooLargeException tooLarge) {
            status = HttpStatus.CONTENT_TOO_LARGE;
            detail = tooLarge.getMessage();
        } else if (status.is5xxServerError()) {
            detail = "the server could not complete the request";
        } else {
            detail = status.getReasonPhrase();
        }
        ProblemDetail problem = Problems.of(status, status.getReasonPhrase(), detail);
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (uri instanceof String path) {
            problem.setInstance(URI.create(path.replaceAll("[^A-Za-z0-9/._~-]", "_")));
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
