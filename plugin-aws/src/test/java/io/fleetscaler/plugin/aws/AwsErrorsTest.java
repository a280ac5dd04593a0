package io.fleetscaler.plugin.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetscaler.plugin.api.ProviderException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** AWS failures land in the sealed category the scaler needs, with the code in the message. */
class AwsErrorsTest {

  @ParameterizedTest(name = "{0} with HTTP {1} is {2}")
  @CsvSource({
    "Throttling, 400, Unavailable",
    "RequestLimitExceeded, 503, Unavailable",
    "TooManyRequestsException, 429, Unavailable",
    "InsufficientInstanceCapacity, 500, Capacity",
    "InstanceLimitExceeded, 400, Capacity",
    "VcpuLimitExceeded, 400, Capacity",
    "LimitExceeded, 400, Capacity",
    "ValidationError, 400, InvalidConfig",
    "AccessDenied, 403, InvalidConfig",
    "UnauthorizedOperation, 403, InvalidConfig",
    "AuthFailure, 401, InvalidConfig",
    "InvalidClientTokenId, 403, InvalidConfig",
    "SignatureDoesNotMatch, 403, InvalidConfig",
    "SomethingNew, 403, InvalidConfig",
    "InternalFailure, 500, Unavailable",
    "ServiceUnavailable, 503, Unavailable",
    "ResourceContention, 500, Unavailable",
    "ScalingActivityInProgress, 400, Unavailable",
    "SomethingNew, 400, Unavailable",
  })
  void serviceErrorsMapByCode(String code, int status, String category) {
    ProviderException mapped = AwsErrors.map("SetDesiredCapacity", service(code, status));
    assertThat(mapped.getClass().getSimpleName()).isEqualTo(category);
    assertThat(mapped).hasMessageContaining("SetDesiredCapacity").hasMessageContaining(code);
  }

  @Test
  void throttlingIsRetryableAndSaysSo() {
    ProviderException mapped =
        AwsErrors.map("DescribeAutoScalingGroups", service("Throttling", 400));
    assertThat(mapped.retryable()).isTrue();
    assertThat(mapped).hasMessageContaining("throttled");
    assertThat(AwsErrors.isThrottling(service("Throttling", 400))).isTrue();
    assertThat(AwsErrors.isThrottling(service("ValidationError", 400))).isFalse();
  }

  @Test
  void errorsWithoutAnAnswerAreUnavailable() {
    assertThat(
            AwsErrors.map(
                "DescribeInstances",
                SdkClientException.create(
                    "Unable to execute HTTP request", new IOException("reset"))))
        .isInstanceOf(ProviderException.Unavailable.class);
    assertThat(AwsErrors.map("DescribeInstances", ApiCallAttemptTimeoutException.create(1000)))
        .isInstanceOf(ProviderException.Unavailable.class);
  }

  @Test
  void aConnectionBrokenWhileTheRequestIsWrittenIsUnavailableAndOfUnknownOutcome() {
    // What the URL-connection transport lets escape the SDK when the endpoint resets the
    // connection during the request body.
    UncheckedIOException broken =
        new UncheckedIOException(new IOException("Error writing to server"));
    ProviderException mapped = AwsErrors.map("DescribeAutoScalingGroups", broken);
    assertThat(mapped)
        .isInstanceOf(ProviderException.Unavailable.class)
        .hasMessage("aws DescribeAutoScalingGroups: I/O error: Error writing to server");
    assertThat(mapped.retryable()).isTrue();
    assertThat(AwsErrors.certainlyNotApplied(broken)).isFalse();
    assertThat(AwsErrors.isThrottling(broken)).isFalse();
  }

  @Test
  void missingCredentialsAreInvalidConfig() {
    assertThat(
            AwsErrors.map(
                "DescribeAutoScalingGroups",
                SdkClientException.create("Unable to load credentials from any of the providers")))
        .isInstanceOf(ProviderException.InvalidConfig.class);
  }

  @Test
  void onlyClientErrorsProveThatNothingWasApplied() {
    assertThat(AwsErrors.certainlyNotApplied(service("Throttling", 400))).isTrue();
    assertThat(AwsErrors.certainlyNotApplied(service("InternalFailure", 500))).isFalse();
    assertThat(AwsErrors.certainlyNotApplied(SdkClientException.create("read timed out")))
        .isFalse();
  }

  private static AwsServiceException service(String code, int status) {
    return AwsServiceException.builder()
        .statusCode(status)
        .awsErrorDetails(
            AwsErrorDetails.builder().errorCode(code).errorMessage("details of " + code).build())
        .build();
  }
}
