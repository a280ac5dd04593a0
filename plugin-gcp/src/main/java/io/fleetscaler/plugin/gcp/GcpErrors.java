package io.fleetscaler.plugin.gcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.http.HttpResponseException;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.compute.v1.Errors;
import com.google.cloud.compute.v1.Operation;
import io.fleetscaler.plugin.api.ProviderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Maps Google Compute failures to the SPI's sealed categories:
 *
 * <table>
 *   <caption>Google error to category</caption>
 *   <tr><th>Google</th><th>category</th></tr>
 *   <tr><td>{@code QUOTA_EXCEEDED}, {@code quotaExceeded}, {@code ZONE_RESOURCE_POOL_EXHAUSTED*},
 *       {@code REGION_RESOURCE_POOL_EXHAUSTED*}</td><td>Capacity</td></tr>
 *   <tr><td>429, {@code rateLimitExceeded}, {@code userRateLimitExceeded}</td>
 *       <td>Unavailable, with the server's retry hint</td></tr>
 *   <tr><td>404, {@code RESOURCE_NOT_FOUND}</td><td>NotFound</td></tr>
 *   <tr><td>401, 403 (other than quota and rate limits)</td>
 *       <td>InvalidConfig, naming the missing permission</td></tr>
 *   <tr><td>400 {@code INVALID_ARGUMENT}</td><td>InvalidConfig</td></tr>
 *   <tr><td>5xx, timeouts, lost connections, anything else</td><td>Unavailable</td></tr>
 * </table>
 *
 * <p>Compute's REST errors carry their reason in {@code error.errors[].reason}, which gax keeps in
 * the exception's message; the codes of a failed {@code Operation} are in {@code error.errors[]}.
 */
final class GcpErrors {

  private static final Pattern REQUIRED_PERMISSION =
      Pattern.compile("Required '([A-Za-z0-9_.]+)' permission");
  private static final Pattern RETRY_AFTER =
      Pattern.compile("(?i)(?:retry[- ]after|retryDelay)\\W{0,4}\"?([0-9]+(?:\\.[0-9]+)?)s?");

  /** The permission each call needs, named when Google's message does not say. */
  private static final Map<String, String> PERMISSIONS =
      Map.ofEntries(
          Map.entry("get", "compute.instanceGroupManagers.get"),
          Map.entry("listManagedInstances", "compute.instanceGroupManagers.get"),
          Map.entry("resize", "compute.instanceGroupManagers.update"),
          Map.entry("deleteInstances", "compute.instanceGroupManagers.update"),
          Map.entry("suspendInstances", "compute.instanceGroupManagers.update"),
          Map.entry("resumeInstances", "compute.instanceGroupManagers.update"),
          Map.entry("stopInstances", "compute.instanceGroupManagers.update"),
          Map.entry("startInstances", "compute.instanceGroupManagers.update"),
          Map.entry("instances.get", "compute.instances.get"),
          Map.entry("instances.setMetadata", "compute.instances.setMetadata"));

  private GcpErrors() {}

  /**
   * The category of a failed call, with a message naming the call and Google's reason.
   *
   * @param call the Compute method, e.g. {@code resize}
   */
  static ProviderException map(String call, ApiException failure) {
    StatusCode.Code code = failure.getStatusCode().getCode();
    Detail detail = Detail.of(failure);
    String text = detail.text();
    String message = "gcp " + call + ": " + code + ": " + text;
    if (isCapacity(text)) {
      return new ProviderException.Capacity(
          message + " (no capacity or quota; retry later or elsewhere)", failure);
    }
    if (code == StatusCode.Code.RESOURCE_EXHAUSTED
        || text.contains("rateLimitExceeded")
        || text.contains("RateLimitExceeded")) {
      return new ProviderException.Unavailable(message + retryHint(failure, detail), failure);
    }
    return switch (code) {
      case NOT_FOUND -> notFound(message);
      case PERMISSION_DENIED, UNAUTHENTICATED ->
          new ProviderException.InvalidConfig(
              message + " (missing permission " + permission(call, text) + "; see docs)", failure);
      case INVALID_ARGUMENT ->
          new ProviderException.InvalidConfig(
              message + " (Compute refused the request; check plugin_config)", failure);
      default -> new ProviderException.Unavailable(message, failure);
    };
  }

  /** The category of a done {@code Operation} that failed, from its first error code. */
  static ProviderException ofOperation(String call, Operation op) {
    List<Errors> errors = op.getError().getErrorsList();
    StringBuilder detail = new StringBuilder();
    boolean capacity = false;
    boolean notFound = false;
    boolean permission = false;
    for (Errors e : errors) {
      if (detail.length() > 0) {
        detail.append("; ");
      }
      detail.append(e.getCode()).append(": ").append(e.getMessage());
      capacity |= isCapacity(e.getCode());
      notFound |= e.getCode().equals("RESOURCE_NOT_FOUND");
      permission |= e.getCode().contains("PERMISSION");
    }
    String message = "gcp " + call + ": operation " + op.getName() + " failed: " + detail;
    if (capacity) {
      return new ProviderException.Capacity(message + " (retry later or elsewhere)");
    }
    if (notFound || op.getHttpErrorStatusCode() == 404) {
      return notFound(message);
    }
    if (permission || op.getHttpErrorStatusCode() == 403) {
      return new ProviderException.InvalidConfig(
          message + " (missing permission " + permission(call, detail.toString()) + ")");
    }
    if (op.getHttpErrorStatusCode() == 429) {
      return new ProviderException.Unavailable(message + " (rate limited; retry with backoff)");
    }
    return new ProviderException.Unavailable(message);
  }

  /** Whether a failure (an exception text or an error code) says capacity or quota ran out. */
  static boolean isCapacity(String text) {
    return text.contains("QUOTA_EXCEEDED")
        || text.contains("quotaExceeded")
        || text.contains("RESOURCE_POOL_EXHAUSTED")
        || text.contains("resourcePoolExhausted");
  }

  /** Whether Google said the resource does not exist. */
  static boolean isNotFound(ApiException failure) {
    return failure.getStatusCode().getCode() == StatusCode.Code.NOT_FOUND;
  }

  private static ProviderException notFound(String message) {
    return new ProviderException.NotFound(message);
  }

  private static String permission(String call, String text) {
    Matcher m = REQUIRED_PERMISSION.matcher(text);
    if (m.find()) {
      return m.group(1);
    }
    return PERMISSIONS.getOrDefault(call, "for compute." + call.toLowerCase(Locale.ROOT));
  }

  /** " (rate limited; retry after Ns)" from RetryInfo, a Retry-After header or the message. */
  private static String retryHint(ApiException failure, Detail detail) {
    @Nullable String seconds = detail.retryAfter();
    String text = detail.text();
    if (seconds == null
        && failure.getErrorDetails() != null
        && failure.getErrorDetails().getRetryInfo() != null) {
      var delay = failure.getErrorDetails().getRetryInfo().getRetryDelay();
      seconds = String.valueOf(delay.getSeconds() + (delay.getNanos() > 0 ? 1 : 0));
    }
    if (seconds == null) {
      Matcher m = RETRY_AFTER.matcher(text);
      if (m.find()) {
        seconds = m.group(1);
      }
    }
    return seconds == null
        ? " (rate limited; retry with backoff)"
        : " (rate limited; retry after " + seconds + "s)";
  }

  /**
   * What Compute said in the HTTP answer gax wraps: {@code error.message} and the reasons of {@code
   * error.errors[]} from the body, and the {@code Retry-After} header. gax's own message is only
   * the HTTP status text.
   *
   * @param text the status text, Google's message and its reasons
   * @param retryAfter seconds from {@code Retry-After} or a {@code RetryInfo} detail, or null
   */
  record Detail(String text, @Nullable String retryAfter) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Detail of(ApiException failure) {
      String status = String.valueOf(failure.getMessage());
      for (Throwable t = failure.getCause(); t != null; t = t.getCause()) {
        if (t instanceof HttpResponseException http) {
          @Nullable String retryAfter = http.getHeaders().getFirstHeaderStringValue("Retry-After");
          String content = http.getContent() == null ? "" : http.getContent();
          try {
            JsonNode error = JSON.readTree(content).path("error");
            StringBuilder out = new StringBuilder(status);
            if (error.hasNonNull("message")) {
              out.append(": ").append(error.get("message").asText());
            }
            List<String> reasons = new ArrayList<>();
            error.path("errors").forEach(e -> reasons.add(e.path("reason").asText()));
            reasons.removeIf(String::isEmpty);
            if (!reasons.isEmpty()) {
              out.append(" (reason ").append(String.join(", ", reasons)).append(")");
            }
            for (JsonNode d : error.path("details")) {
              if (retryAfter == null && d.hasNonNull("retryDelay")) {
                retryAfter = d.get("retryDelay").asText().replaceAll("s$", "");
              }
            }
            return new Detail(out.toString(), retryAfter);
          } catch (JsonProcessingException e) {
            return new Detail(status, retryAfter);
          }
        }
      }
      return new Detail(status, null);
    }
  }
}
