package io.fleetscaler.simulator.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobTraceTest {

  private static List<TraceJob> readAll(String text) throws IOException {
    List<TraceJob> jobs = new ArrayList<>();
    try (JobTrace trace = JobTrace.read("t.csv", new StringReader(text))) {
      for (TraceJob j = trace.next(); j != null; j = trace.next()) {
        jobs.add(j);
      }
    }
    return jobs;
  }

  @Test
  void readsJobsSkippingHeaderCommentsAndBlankLines() throws IOException {
    List<TraceJob> jobs =
        readAll(
            "# a comment\narrival_seconds,duration_seconds\n0,229\n\n 198 , 1557 \n198.5,0.25\n");
    assertThat(jobs)
        .containsExactly(
            new TraceJob(3, 0, 229_000),
            new TraceJob(5, 198_000, 1_557_000),
            new TraceJob(6, 198_500, 250));
  }

  @Test
  void anEmptyTraceHasNoJobs() throws IOException {
    assertThat(readAll("")).isEmpty();
    assertThat(readAll("arrival_seconds,duration_seconds\n")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0,10\\n5\\n | 2 | expected 'arrival_seconds,duration_seconds', got '5'",
        "0,10\\n1,2,3\\n | 2 | expected 'arrival_seconds,duration_seconds', got '1,2,3'",
        "0,10\\n1,ten\\n | 2 | duration_seconds must be a number of seconds, got 'ten'",
        "0,10\\n-1,5\\n | 2 | arrival_seconds must be >= 0, got -1",
        "0,10\\n\\n7,1\\n3,1\\n | 4 | arrival_seconds 3 is before the previous job's 7",
        "0,0.0001\\n | 1 | duration_seconds must be whole milliseconds",
        "0,10\\narrival_seconds,duration_seconds\\n | 2 | must be a number of seconds, got 'arrival_seconds'",
      })
  void aMalformedLineNamesItsNumber(String text, long line, String problem) {
    String trace = text.strip().replace("\\n", "\n");
    assertThatThrownBy(() -> readAll(trace))
        .isInstanceOfSatisfying(
            TraceException.class,
            e -> {
              assertThat(e.line()).isEqualTo(line);
              assertThat(e.source()).isEqualTo("t.csv");
              assertThat(e.getMessage())
                  .startsWith("t.csv:" + line + ": ")
                  .contains(problem.strip());
            });
  }
}
