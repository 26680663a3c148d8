package io.dbshift.notifier.channel;

import io.dbshift.notifier.notice.Notice;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** The fallback when no channel is configured: the notice is logged, so a local run still shows it. */
@ApplicationScoped
public class LogChannel implements NoticeChannel {
    public static final String NAME = "log";
    private static final Logger LOG = Logger.getLogger(LogChannel.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isConfigured() {
        return true;
    }

    @Override
    public String destination() {
        return "the log (no Slack webhook or e-mail recipients configured)";
    }

    @Override
    public Uni<Void> send(Notice notice) {
        LOG.infof("would send: %s", notice.oneLine());
        return Uni.createFrom().voidItem();
    }
}
