package io.perennial.support.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every exception raised in a controller into an RFC 9457 {@code application/problem+json} answer: the
 * framework's own (404, 405, 415, 406, missing parameters) via {@link ResponseEntityExceptionHandler}, plus validation,
 * malformed JSON, oversized bodies, authorization failures and {@link ApiException}s. Unexpected exceptions become a
 * 500 problem that carries an error id (logged with the stack trace) and no internals.
 */
@RestControllerAdvice
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> api(ApiException ex, HttpServletRequest request) {
        ProblemDetail problem = Problems.of(ex.status(), ex.title(), ex.getMessage());
        ex.properties().forEach(problem::setProperty);
        ResponseEntity<Object> response = respond(problem, request);
        if (ex.retryAfterSeconds() != null) {
            return ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders())
                    .header(HttpHeaders.RETRY_AFTER, String.valueOf(ex.retryAfterSeconds())).body(problem);
        }
        return response;
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    ResponseEntity<Object> tooLarge(PayloadTooLargeException ex, HttpServletRequest request) {
        return respond(Problems.of(HttpStatus.CONTENT_TOO_LARGE, "Payload too large", ex.getMessage()), request);
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<Object> constraint(ConstraintViolationException ex, HttpServletRequest request) {
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "Invalid request", "request validation failed");
        problem.setProperty("errors", ex.getConstraintViolations().stream()
                .map(v -> Map.of("field", v.getPropertyPath().toString(), "reason", v.getMessage())).toList());
        return respond(problem, request);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Object> illegalArgument(IllegalArgumentException ex, HttpServletRequest request) {
        return respond(Problems.of(HttpStatus.BAD_REQUEST, "Invalid request", ex.getMessage()), request);
    }

    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<Object> denied(AccessDeniedException ex, HttpServletRequest request) {
        return respond(Problems.of(HttpStatus.FORBIDDEN, "Forbidden",
                "your credentials do not allow this operation"), request);
    }

    @ExceptionHandler(AuthenticationException.class)
    ResponseEntity<Object> unauthenticated(AuthenticationException ex, HttpServletRequest request) {
        return respond(Problems.of(HttpStatus.UNAUTHORIZED, "Unauthorized", "valid credentials are required"),
                request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception ex, HttpServletRequest request) {
        String errorId = UUID.randomUUID().toString();
        log.error("Unhandled error {} on {} {}", errorId, request.getMethod(), request.getRequestURI(), ex);
        ProblemDetail problem = Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "the server could not complete the request; quote error id " + errorId + " when reporting it");
        problem.setProperty("errorId", errorId);
        return respond(problem, request);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "Invalid request", "request validation failed");
        List<Map<String, Object>> errors = ex.getBindingResult().getAllErrors().stream().map(e -> Map.<String, Object>of(
                "field", e instanceof FieldError fe ? fe.getField() : e.getObjectName(),
                "reason", String.valueOf(e.getDefaultMessage()))).toList();
        problem.setProperty("errors", errors);
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "Invalid request", "request validation failed");
        problem.setProperty("errors", ex.getAllErrors().stream()
                .map(e -> Map.of("reason", String.valueOf(e.getDefaultMessage()))).toList());
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof PayloadTooLargeException tooLarge) {
                return handleExceptionInternal(ex, Problems.of(HttpStatus.CONTENT_TOO_LARGE, "Payload too large",
                        tooLarge.getMessage()), headers, HttpStatus.CONTENT_TOO_LARGE, request);
            }
        }
        String detail = ex.getMostSpecificCause() == ex || ex.getMostSpecificCause().getMessage() == null
                ? "the request body is missing or is not valid JSON"
                : "the request body is not valid JSON: " + firstLine(ex.getMostSpecificCause().getMessage());
        return handleExceptionInternal(ex, Problems.of(HttpStatus.BAD_REQUEST, "Malformed request body", detail),
                headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode,
            WebRequest request) {
        if (body instanceof ProblemDetail problem && problem.getType() != null
                && "about:blank".equals(problem.getType().toString()) && problem.getTitle() != null) {
            // Framework problems (404, 405, 415, ...) get Perennial type URIs too.
            problem.setType(URI.create(Problems.TYPE_BASE
                    + problem.getTitle().toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "")));
        }
        return super.createResponseEntity(body, headers, statusCode, request);
    }

    private static ResponseEntity<Object> respond(ProblemDetail problem, HttpServletRequest request) {
        problem.setInstance(URI.create(request.getRequestURI()));
        return ResponseEntity.status(problem.getStatus()).contentType(
                org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private static String firstLine(String message) {
        String line = message.lines().findFirst().orElse("");
        // Jackson messages end with a source description that echoes internals; keep the human part.
        int at = line.indexOf(" at [Source");
        return (at > 0 ? line.substring(0, at) : line).trim();
    }
}
