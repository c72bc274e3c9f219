package io.perennial.support.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.util.AntPathMatcher;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rejects request bodies over the configured size with a 413 problem: at once when {@code Content-Length} says so,
 * and while reading for chunked bodies, so an endpoint that streams its body never reads past the limit.
 */
public class RequestSizeLimitFilter extends OncePerRequestFilter {

    private final WebProperties properties;
    private final AntPathMatcher matcher = new AntPathMatcher();
    private final JsonMapper json = JsonMapper.builder().build();

    public RequestSizeLimitFilter(WebProperties properties) {
        this.properties = properties;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        DataSize limit = limitFor(request.getRequestURI());
        long declared = request.getContentLengthLong();
        if (declared > limit.toBytes()) {
            response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            var problem = Problems.of(HttpStatus.CONTENT_TOO_LARGE, "Payload too large",
                    new PayloadTooLargeException(limit).getMessage());
            response.getOutputStream().write(json.writeValueAsBytes(Map.of("type", problem.getType().toString(),
                    "title", problem.getTitle(), "status", problem.getStatus(), "detail", problem.getDetail())));
            return;
        }
        chain.doFilter(new LimitedRequest(request, limit), response);
    }

    private DataSize limitFor(String path) {
        for (Map.Entry<String, DataSize> e : properties.getMaxRequestSizeByPath().entrySet()) {
            if (matcher.match(e.getKey(), path)) {
                return e.getValue();
            }
        }
        return properties.getMaxRequestSize();
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final DataSize limit;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, DataSize limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedStream(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    private static final class LimitedStream extends ServletInputStream {
        private final ServletInputStream delegate;
        private final DataSize limit;
        private long read;

        LimitedStream(ServletInputStream delegate, DataSize limit) {
            this.delegate = delegate;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = delegate.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            int n = delegate.read(buffer, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(long n) {
            read += n;
            if (read > limit.toBytes()) {
                throw new PayloadTooLargeException(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return delegate.isFinished();
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            delegate.setReadListener(listener);
        }
    }
}
