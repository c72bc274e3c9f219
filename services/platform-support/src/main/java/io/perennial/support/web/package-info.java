/** RFC 9457 problem responses for every error, request size limits and the OpenAPI document. */
package io.perennial.support.web;
