package io.breakerbridge.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The subscriber JVM and what it reported. */
final class SubscriberJvm implements AutoCloseable {
    final Map<String, Long> pushed = new ConcurrentHashMap<>();
    final Map<Double, Long> sentinel = new ConcurrentHashMap<>();
    final Map<Long, Long> stack = new ConcurrentHashMap<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Process process;

    private SubscriberJvm(Process process) {
        this.process = process;
    }

    static SubscriberJvm start(String... args) throws Exception {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), SubscriberProcess.class.getName()));
        command.addAll(List.of(args));
        final SubscriberJvm subscriber = new SubscriberJvm(new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start());
        final Thread reader = new Thread(subscriber::read, "subscriber-reader");
        reader.setDaemon(true);
        reader.start();
        if (!subscriber.ready.await(60, TimeUnit.SECONDS)) {
            subscriber.close();
            throw new IllegalStateException("the subscriber process did not start");
        }
        return subscriber;
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                                                                             StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                final String[] parts = line.split(" ");
                if (!parts[0].equals("bb") || parts.length < 2) {
                    continue; // the subscriber's libraries log to standard output too
                }
                switch (parts[1]) {
                    case "ready" -> ready.countDown();
                    case "P" -> pushed.putIfAbsent(parts[2], Long.parseLong(parts[3]));
                    case "S" -> sentinel.putIfAbsent(Double.parseDouble(parts[2]), Long.parseLong(parts[3]));
                    case "R" -> stack.putIfAbsent(Long.parseLong(parts[2]), Long.parseLong(parts[3]));
                    default -> { }
                }
            }
        } catch (IOException e) {
            System.out.println("subscriber output: " + e.getMessage());
        }
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
