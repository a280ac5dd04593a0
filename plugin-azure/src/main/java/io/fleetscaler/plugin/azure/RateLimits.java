package io.fleetscaler.plugin.azure;

import com.azure.core.http.HttpHeader;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * Reads Azure Resource Manager's throttling headers from every answer: {@code
 * x-ms-ratelimit-remaining-subscription-writes} (and {@code -reads}, {@code -global-*}) and {@code
 * x-ms-ratelimit-remaining-resource}, where the compute provider lists its own buckets as {@code
 * Microsoft.Compute/PutVMScaleSet3Min;59,Microsoft.Compute/PutVMScaleSet30Min;297}. The latest
 * value of each bucket is kept. Thread-safe.
 */
final class RateLimits implements HttpPipelinePolicy {

  private static final String PREFIX = "x-ms-ratelimit-remaining-";
  private static final String RESOURCE = PREFIX + "resource";

  private final Map<String, Integer> remaining = new ConcurrentHashMap<>();

  @Override
  public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
    return next.process().doOnNext(this::observe);
  }

  @Override
  public HttpResponse processSync(
      HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
    HttpResponse response = next.processSync();
    observe(response);
    return response;
  }

  void observe(HttpResponse response) {
    for (HttpHeader header : response.getHeaders()) {
      String name = header.getName().toLowerCase(Locale.ROOT);
      if (!name.startsWith(PREFIX)) {
        continue;
      }
      if (name.equals(RESOURCE)) {
        for (String bucket : header.getValue().split(",", -1)) {
          int semicolon = bucket.lastIndexOf(';');
          if (semicolon > 0) {
            parse(bucket.substring(semicolon + 1))
                .ifPresent(n -> remaining.put(bucket.substring(0, semicolon).trim(), n));
          }
        }
      } else {
        parse(header.getValue()).ifPresent(n -> remaining.put(name.substring(PREFIX.length()), n));
      }
    }
  }

  /**
   * The fewest writes left in any write bucket Azure reported (subscription writes, and compute
   * buckets whose names say Put, Update, Delete or Actions), or empty when none was reported.
   */
  OptionalInt remainingWrites() {
    return remaining.entrySet().stream()
        .filter(e -> isWriteBucket(e.getKey()))
        .mapToInt(Map.Entry::getValue)
        .min();
  }

  /** The latest remaining count of every bucket seen, by name; for logs and tests. */
  Map<String, Integer> snapshot() {
    return new TreeMap<>(remaining);
  }

  private static boolean isWriteBucket(String bucket) {
    String lower = bucket.toLowerCase(Locale.ROOT);
    return lower.endsWith("writes")
        || lower.contains("put")
        || lower.contains("update")
        || lower.contains("delete")
        || lower.contains("actions");
  }

  private static OptionalInt parse(String value) {
    try {
      return OptionalInt.of(Integer.parseInt(value.trim()));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }
}
