package io.otlake.local.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NamespaceNotEmptyException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NoSuchViewException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.exceptions.ServiceUnavailableException;
import org.apache.iceberg.exceptions.UnprocessableEntityException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.rest.responses.ErrorResponse;

/**
 * The REST spec's error answers: an exception of the catalog becomes an {@link ErrorResponse} with the HTTP code
 * the spec gives it and the exception's simple name as {@code type}, which is what Iceberg's client reads to throw
 * the same exception again (a 404 of type {@code NoSuchNamespaceException} is a missing namespace, any other 404 on
 * a table path a missing table).
 */
final class RestErrors {
  private RestErrors() {}

  static int code(Throwable e) {
    if (e instanceof IllegalArgumentException || e instanceof ValidationException
        || e instanceof BadRequestException || e instanceof JsonProcessingException
        || e instanceof ClassCastException) {
      return 400;
    }
    if (e instanceof NotAuthorizedException) {
      return 401;
    }
    if (e instanceof ForbiddenException) {
      return 403;
    }
    if (e instanceof NoSuchTableException || e instanceof NoSuchNamespaceException
        || e instanceof NoSuchViewException) {
      return 404;
    }
    if (e instanceof UnsupportedOperationException) {
      return 406;
    }
    if (e instanceof AlreadyExistsException || e instanceof CommitFailedException
        || e instanceof NamespaceNotEmptyException) {
      return 409;
    }
    if (e instanceof UnprocessableEntityException) {
      return 422;
    }
    if (e instanceof ServiceUnavailableException) {
      return 503;
    }
    if (e instanceof CommitStateUnknownException) {
      return 500;
    }
    return 500;
  }

  static ErrorResponse of(Throwable e) {
    int code = code(e);
    String type = e instanceof JsonProcessingException || e instanceof ClassCastException
        ? "BadRequestException" : e.getClass().getSimpleName();
    String message = e instanceof JsonProcessingException j ? "malformed request body: " + j.getOriginalMessage()
        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return of(code, type, message);
  }

  static ErrorResponse of(int code, String type, String message) {
    return ErrorResponse.builder().responseCode(code).withType(type).withMessage(message).build();
  }
}
