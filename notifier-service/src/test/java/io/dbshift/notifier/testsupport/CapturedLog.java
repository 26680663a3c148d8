package io.dbshift.notifier.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.formatters.PatternFormatter;

/** Captures every log line of the application while open, formatted as it would be printed. */
public final class CapturedLog extends Handler implements AutoCloseable {
    /** Level and message, formatted as the console does (JBoss records carry printf-style parameters). */
    private static final PatternFormatter FORMAT = new PatternFormatter("%p %s%e");

    private final List<String> lines = new CopyOnWriteArrayList<>();

    public static CapturedLog start() {
        CapturedLog log = new CapturedLog();
        Logger.getLogger("").addHandler(log);
        return log;
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(FORMAT.format(record));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
