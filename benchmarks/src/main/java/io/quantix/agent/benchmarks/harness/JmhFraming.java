package io.quantix.agent.benchmarks.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs the framing JMH benchmarks (package {@code ...benchmarks.framing}) when they are built in. */
final class JmhFraming {
  static final String PACKAGE = "io.quantix.agent.benchmarks.framing.";

  private JmhFraming() {}

  /** One JMH score. */
  record Score(String benchmark, String params, double score, double error, String unit) {}

  /** The framing benchmarks listed in this class path's JMH benchmark list. */
  static List<String> available() throws IOException {
    List<String> found = new ArrayList<>();
    try (InputStream in = JmhFraming.class.getResourceAsStream("/META-INF/BenchmarkList")) {
      if (in == null) {
        return found;
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = r.readLine()) != null) {
        int at = line.indexOf(PACKAGE);
        if (at >= 0) {
          found.add(line);
        }
      }
    }
    return found;
  }

  /** The payload sizes measured: the ping's order of magnitude and the 1 MiB transfer chunk. */
  static final String[] SIZES = {"100", "1048576"};

  /**
   * Runs them in one fork each with a short schedule (2 x 1 s warm-up, 3 x 1 s measurement) for
   * the {@link #SIZES}, JMH's own output going to {@code log}.
   */
  static List<Score> run(Path log) throws RunnerException {
    Options options = new OptionsBuilder()
        .include(PACKAGE.replace(".", "\\.") + ".*")
        .param("size", SIZES)
        .forks(1)
        .warmupIterations(2)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(3)
        .measurementTime(TimeValue.seconds(1))
        .jvmArgs(Peer.jvmOptions().toArray(new String[0]))
        .output(log.toString())
        .shouldFailOnError(true)
        .build();
    Collection<RunResult> results = new Runner(options).run();
    List<Score> scores = new ArrayList<>();
    for (RunResult rr : results) {
      Result<?> primary = rr.getPrimaryResult();
      String name = rr.getParams().getBenchmark();
      name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      TreeMap<String, String> params = new TreeMap<>();
      for (String key : rr.getParams().getParamsKeys()) {
        params.put(key, rr.getParams().getParam(key));
      }
      StringBuilder p = new StringBuilder();
      params.forEach((k, v) -> p.append(p.length() == 0 ? "" : ", ").append(k).append('=').append(v));
      scores.add(new Score(name, p.toString(), primary.getScore(), primary.getScoreError(),
          primary.getScoreUnit()));
    }
    return scores;
  }
}
