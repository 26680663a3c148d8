package io.dbshift.notifier.channel;

import io.dbshift.notifier.notice.Notice;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

/** The fallback when no destination is configured: the notice is logged, so a local run still shows it. */
public class LogChannel implements NoticeChannel {
    public static final String NAME = "log";
    private static final Logger LOG = Logger.getLogger(LogChannel.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String type() {
        return NAME;
    }

    @Override
    public String destination() {
        return "the log (no destination configured)";
    }

    @Override
    public boolean reachesPeople() {
        return false;
    }

    @Override
    public Uni<Void> send(Notice notice, String deliveryId) {
        LOG.infof("would send: %s", notice.oneLine());
        return Uni.createFrom().voidItem();
    }
}
