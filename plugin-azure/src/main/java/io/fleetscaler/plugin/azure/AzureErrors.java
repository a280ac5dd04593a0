package io.fleetscaler.plugin.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import com.azure.identity.CredentialUnavailableException;
import io.fleetscaler.plugin.api.ProviderException;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Maps Azure SDK failures to the SPI's sealed categories. The ARM error code decides when there is
 * one; otherwise the HTTP status; failures without an answer (network, timeouts) are {@link
 * ProviderException.Unavailable}. An unknown code with a 4xx status is also Unavailable, so that an
 * error Azure adds later is retried and logged rather than stopping the scaler for good.
 *
 * <table>
 *   <caption>Mapping</caption>
 *   <tr><th>Azure</th><th>category</th></tr>
 *   <tr><td>quota ({@code QuotaExceeded}, {@code OperationNotAllowed} naming a quota), {@code
 *       SkuNotAvailable}, allocation failures</td><td>Capacity</td></tr>
 *   <tr><td>429, {@code TooManyRequests}</td><td>Unavailable (throttled)</td></tr>
 *   <tr><td>404, {@code ResourceNotFound}, {@code NotFound}</td><td>NotFound</td></tr>
 *   <tr><td>401, 403, {@code AuthorizationFailed}, credential failures</td>
 *       <td>InvalidConfig, naming the action and the role that grants it</td></tr>
 *   <tr><td>5xx, lost answers, timeouts, other codes</td><td>Unavailable</td></tr>
 * </table>
 */
final class AzureErrors {

  /** The built-in role that grants every action the plugin calls, on the scale set's group. */
  static final String ROLE = "Virtual Machine Contributor";

  private static final Set<String> CAPACITY =
      Set.of(
          "QuotaExceeded",
          "SkuNotAvailable",
          "AllocationFailed",
          "ZonalAllocationFailed",
          "OverconstrainedAllocationRequest",
          "OverconstrainedZonalAllocationRequest",
          "AllocationFailedVmSizeNotAvailable",
          "SkuNotAvailableForZone",
          "NotEnoughCapacity");

  private static final Set<String> THROTTLED =
      Set.of("TooManyRequests", "SubscriptionRequestsThrottled", "ResourceRequestsThrottled");

  private static final Set<String> NOT_FOUND =
      Set.of("ResourceNotFound", "NotFound", "ResourceGroupNotFound", "ParentResourceNotFound");

  private static final Set<String> AUTH =
      Set.of(
          "AuthorizationFailed",
          "LinkedAuthorizationFailed",
          "InvalidAuthenticationToken",
          "InvalidAuthenticationTokenTenant",
          "AuthenticationFailed",
          "ExpiredAuthenticationToken",
          "SubscriptionNotFound",
          "InvalidSubscriptionId",
          "MissingSubscriptionRegistration");

  private AzureErrors() {}

  /**
   * The category of {@code failure}, with a message naming the operation and Azure's code.
   *
   * @param operation the ARM operation, e.g. {@code VirtualMachineScaleSets_Update}
   * @param action the RBAC action the operation needs, named when Azure refuses it
   */
  static ProviderException map(String operation, String action, RuntimeException failure) {
    if (failure instanceof ProviderException p) {
      return p;
    }
    if (isCredentialFailure(failure)) {
      return new ProviderException.InvalidConfig(
          "azure "
              + operation
              + ": no usable credential: "
              + firstLine(String.valueOf(failure.getMessage()))
              + " (configure tenant_id/client_id/client_secret, workload or managed identity,"
              + " or sign in with the Azure CLI)",
          failure);
    }
    if (failure instanceof HttpResponseException http && http.getResponse() != null) {
      int status = http.getResponse().getStatusCode();
      @Nullable String code = code(http);
      String message = describe(operation, status, code, http);
      if (status == 429 || (code != null && THROTTLED.contains(code))) {
        @Nullable String retryAfter =
            http.getResponse().getHeaders().getValue(HttpHeaderName.fromString("Retry-After"));
        return new ProviderException.Unavailable(
            message
                + " (throttled"
                + (retryAfter == null ? "" : "; Retry-After " + retryAfter + "s")
                + ")",
            failure);
      }
      if (isCapacity(code, http)) {
        return new ProviderException.Capacity(message, failure);
      }
      if (status == 401 || status == 403 || (code != null && AUTH.contains(code))) {
        return new ProviderException.InvalidConfig(
            message
                + " (the identity needs '"
                + action
                + "': assign it the built-in role '"
                + ROLE
                + "' on the scale set's resource group)",
            failure);
      }
      if (status == 404 || (code != null && NOT_FOUND.contains(code))) {
        return new ProviderException.NotFound(message);
      }
      return new ProviderException.Unavailable(message, failure);
    }
    return new ProviderException.Unavailable(
        "azure " + operation + ": " + firstLine(String.valueOf(failure.getMessage())), failure);
  }

  private static boolean isCredentialFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      // Microsoft Entra's own refusals (bad secret, unknown client or tenant) are AADSTSnnnnn.
      if (!(t instanceof ManagementException)
          && String.valueOf(t.getMessage()).contains("AADSTS")) {
        return true;
      }
      if (t instanceof ClientAuthenticationException
          || t instanceof CredentialUnavailableException) {
        // Resource Manager's own 401 is a ManagementException; this is the token endpoint's.
        return !(t instanceof ManagementException);
      }
    }
    return false;
  }

  /**
   * A long-running operation that ended {@code Failed}: Capacity when its error names an
   * allocation, SKU or quota failure, otherwise Unavailable.
   */
  static ProviderException operationFailed(String operation, String error) {
    String message = "azure " + operation + ": the operation failed: " + firstLine(error);
    for (String code : CAPACITY) {
      if (error.contains(code)) {
        return new ProviderException.Capacity(message);
      }
    }
    if (error.toLowerCase(Locale.ROOT).contains("quota")) {
      return new ProviderException.Capacity(message);
    }
    return new ProviderException.Unavailable(message);
  }

  /** Whether Azure answered the failed request with 404 (or a not-found code). */
  static boolean isNotFound(RuntimeException failure) {
    if (failure instanceof HttpResponseException http && http.getResponse() != null) {
      @Nullable String code = code(http);
      return http.getResponse().getStatusCode() == 404
          || (code != null && NOT_FOUND.contains(code));
    }
    return false;
  }

  /** The ARM error code, e.g. {@code SkuNotAvailable}, or null when the answer had none. */
  static @Nullable String code(HttpResponseException http) {
    if (http instanceof ManagementException m && m.getValue() != null) {
      return m.getValue().getCode();
    }
    return null;
  }

  private static boolean isCapacity(@Nullable String code, HttpResponseException http) {
    if (code == null) {
      return false;
    }
    if (CAPACITY.contains(code)) {
      return true;
    }
    if (http instanceof ManagementException m && m.getValue() != null) {
      // OperationNotAllowed is Azure's code for a core or instance quota that would be exceeded.
      ManagementError error = m.getValue();
      if ("OperationNotAllowed".equals(code)
          && String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT).contains("quota")) {
        return true;
      }
      if (error.getDetails() != null) {
        for (ManagementError detail : error.getDetails()) {
          if (detail.getCode() != null && CAPACITY.contains(detail.getCode())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static String describe(
      String operation, int status, @Nullable String code, HttpResponseException http) {
    String detail =
        http instanceof ManagementException m && m.getValue() != null
            ? String.valueOf(m.getValue().getMessage())
            : firstLine(String.valueOf(http.getMessage()));
    return "azure "
        + operation
        + ": HTTP "
        + status
        + (code == null ? "" : " " + code)
        + ": "
        + detail;
  }

  private static String firstLine(@Nullable String text) {
    if (text == null) {
      return "";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
