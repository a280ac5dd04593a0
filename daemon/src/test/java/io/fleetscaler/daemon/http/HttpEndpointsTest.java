package io.fleetscaler.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpEndpointsTest {
  private final AtomicReference<Readiness> readiness =
      new AtomicReference<>(new Readiness(false, "no update yet"));
  private final HttpClient http = HttpClient.newHttpClient();
  private final HttpEndpoints endpoints =
      HttpEndpoints.start(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
          () -> "m_total 1.0\n",
          readiness::get);

  @AfterEach
  void stop() {
    endpoints.close();
    http.close();
  }

  @Test
  void servesMetricsInThePrometheusTextFormat() throws Exception {
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue(HttpEndpoints.PROMETHEUS_TEXT);
    assertThat(r.body()).isEqualTo("m_total 1.0\n");
  }

  @Test
  void readinessFollowsTheSupplierAndHealthIsAlwaysOk() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    HttpResponse<String> notReady = get("/readyz");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).isEqualTo("no update yet\n");

    readiness.set(new Readiness(true, "fleet observed 0s ago"));
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
  }

  @Test
  void unknownPathsAre404AndOtherMethods405() throws Exception {
    assertThat(get("/nope").statusCode()).isEqualTo(404);
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(uri("/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
  }

  @Test
  void bindingAPortInUseFailsWithTheAddress() {
    InetSocketAddress taken = endpoints.address();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> HttpEndpoints.start(taken, () -> "", readiness::get))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(String.valueOf(taken.getPort()));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + endpoints.address().getPort() + path);
  }
}
